import fc from 'fast-check';
import { detectSpans } from './detectors';
import { Masker } from './masker';
import { DETECTOR_NAMES, type MaskStrategy } from './types';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

function luhnComplete(body: string): string {
  for (let check = 0; check < 10; check++) {
    const s = body + check;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let d = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

function ibanFor(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return country + String(98 - rem).padStart(2, '0') + bban;
}

const b64url = (n: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), {
      minLength: n,
      maxLength: n,
    })
    .map((a) => a.join(''));
const upperAlnum = (n: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), { minLength: n, maxLength: n })
    .map((a) => a.join(''));
const word = fc.stringMatching(/^[a-z]{1,8}$/);

/** Values every detector must catch, in the formats people write them. */
const secret = fc.oneof(
  fc.tuple(word, word, fc.constantFrom('com', 'org', 'io')).map(([a, b, t]) => `${a}@${b}.${t}`),
  fc.tuple(fc.constantFrom('4', '51', '37'), digits(15), fc.constantFrom('', ' ', '-')).map(([p, d, sep]) => {
    const len = p === '37' ? 15 : 16;
    const n = luhnComplete((p + d).slice(0, len - 1));
    return sep && len === 16 ? n.match(/.{4}/g)!.join(sep) : n;
  }),
  fc
    .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
    .map(([a, g, s]) => `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`),
  fc.tuple(digits(3), digits(4)).map(([a, b]) => `+1 415 ${a.replace(/^[01]/, '5')} ${b}`),
  digits(18).map((bban) => ibanFor('DE', bban)),
  fc
    .tuple(fc.constantFrom('HS256', 'RS256', 'none'), b64url(20), b64url(30))
    .map(([alg, p, s]) => `${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${p}.${s}`),
  upperAlnum(16).map((k) => `AKIA${k}`),
  b64url(48).map((body) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`),
);

/** Ordinary text around them: words, numbers, dates, ids, punctuation. */
const noise = fc.oneof(
  word,
  fc.integer({ min: 0, max: 2 ** 31 }).map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.uuid(),
  fc.constantFrom('v1.2.3', 'order #42', '|', '{"a":1}', '', 'N/A', '0.5'),
);

// Includes no separator at all and the characters detectors use as edges, so values also get glued together.
const separator = fc.constantFrom(' ', '\n', ', ', ' | ', '"', ': ', '\t', '\\n', '', '-', '.', '*', '@', 'x');

const document = fc
  .array(fc.tuple(fc.oneof(secret, noise), separator), { maxLength: 12 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''));

const strategy = fc.constantFrom<MaskStrategy>('redact', 'partial', 'hash');

const maskerFor = (s: MaskStrategy): Masker =>
  new Masker(
    DETECTOR_NAMES.map((detector) => ({ detector, strategy: s, ruleId: 'all' })),
    { hashKey: 'property-test-key-0123456789' },
  );
const maskers = { redact: maskerFor('redact'), partial: maskerFor('partial'), hash: maskerFor('hash') };

describe('masking properties', () => {
  it('is idempotent: masking masked output changes nothing', () => {
    fc.assert(
      fc.property(document, strategy, (text, s) => {
        const once = maskers[s].maskText(text).value;
        expect(maskers[s].maskText(once)).toEqual({ value: once, masked: 0 });
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent on arbitrary text too', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), strategy, (text, s) => {
        const once = maskers[s].maskText(text).value;
        expect(maskers[s].maskText(once).value).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a planted secret, or anything detectable, in the output', () => {
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 4 }), document, strategy, (secrets, filler, s) => {
        const text = secrets.map((x) => `${filler} ${x} `).join('');
        const out = maskers[s].maskText(text);
        expect(out.masked).toBeGreaterThanOrEqual(secrets.length);
        for (const x of secrets) expect(out.value).not.toContain(x);
        expect(detectSpans(out.value)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('masks a cell the same whatever column name it carries when no column rule applies', () => {
    fc.assert(
      fc.property(document, fc.option(fc.constantFrom('public.t.name', 'x.y.z'), { nil: null }), (text, column) => {
        expect(maskers.redact.maskCell(text, column)).toEqual(maskers.redact.maskText(text));
      }),
      { numRuns: 500 },
    );
  });
});
