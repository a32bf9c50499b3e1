import { saslprep } from './saslprep';

describe('saslprep (PostgreSQL flavour: failures fall back to the raw password)', () => {
  it.each([
    // RFC 4013 section 3 examples.
    ['I\u00adX', 'IX'],
    ['user', 'user'],
    ['USER', 'USER'],
    ['\u00aa', 'a'],
    ['\u2168', 'IX'],
    // Mapping: non-ASCII spaces to U+0020, "commonly mapped to nothing" removed; then NFKC.
    ['pa\u0308ss\u00a0w\u00adord', 'p\u00e4ss word'],
    ['\ufb01x', 'fix'],
    // U+200B is a space in Unicode 3.2 (table C.1.2), checked before B.1, as in PostgreSQL.
    ['a\u200bb\u00e9', 'a b\u00e9'],
  ])('%j → %j', (input, output) => {
    expect(saslprep(input)).toBe(output);
  });

  it.each([
    ['a prohibited control character (RFC example U+0007, inside non-ASCII)', '\u00e9\u0007'],
    ['a bidi violation (RFC example U+0627 U+0031)', '\u0627\u0031'],
    ['RandAL and L characters mixed', '\u0627a\u0627'],
    ['a private-use code point', '\u00e9\ue000'],
    ['a code point unassigned in Unicode 3.2 (an emoji)', 'p\u00e4ss\u{1f600}'],
    ['only mapped-to-nothing characters', '\u00ad\u034f'],
    ['a lone surrogate', '\u00e9\ud800'],
  ])('keeps the password unchanged on %s', (_name, input) => {
    expect(saslprep(input)).toBe(input);
  });

  it('returns pure ASCII untouched, control characters included (as PostgreSQL does)', () => {
    expect(saslprep('a\u0007b')).toBe('a\u0007b');
    expect(saslprep('')).toBe('');
  });

  it('accepts right-to-left text that begins and ends with RandAL characters', () => {
    expect(saslprep('\u0627\u0628')).toBe('\u0627\u0628');
  });
});
