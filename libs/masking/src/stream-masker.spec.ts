import { Masker } from './masker';
import { StreamMasker } from './stream-masker';

const masker = new Masker(
  [
    { detector: 'payment_card', strategy: 'redact', ruleId: 'pii' },
    { detector: 'email', strategy: 'redact', ruleId: 'pii' },
  ],
  { hashKey: 'a-test-key-of-sixteen-bytes' },
);

function collect(opts = {}): { sm: StreamMasker; out: string[] } {
  const out: string[] = [];
  return { sm: new StreamMasker(masker, (t) => out.push(t), opts), out };
}

describe('StreamMasker', () => {
  it('masks a card number split across two chunks of one line', () => {
    const { sm, out } = collect();
    sm.write('card: 4111 1111 ');
    sm.write('1111 1111\nnext\n');
    sm.flush();
    expect(out.join('')).not.toMatch(/4111/);
    expect(out.join('')).toContain('next\n');
    expect(sm.masked).toBe(1);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const { sm, out } = collect();
    const bytes = Buffer.from('naïve\n');
    sm.write(bytes.subarray(0, 3));
    sm.write(bytes.subarray(3));
    expect(out.join('')).toBe('naïve\n');
  });

  it('releases a prompt without a newline after the hold, masked', async () => {
    const { sm, out } = collect({ holdMs: 5 });
    sm.write('mail me at dev@example.com $ ');
    expect(out).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(out.join('')).not.toContain('dev@example.com');
    expect(out.join('')).toMatch(/\$ $/);
  });

  it('releases an overlong partial line at once', () => {
    const { sm, out } = collect({ maxHeldChars: 10 });
    sm.write('x'.repeat(11));
    expect(out.join('')).toBe('x'.repeat(11));
  });
});
