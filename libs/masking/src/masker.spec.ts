import type { MaskingRule } from '@portcullis/contracts';
import { Masker } from './masker';

const hashKey = 'test-only-key-0123456789abcdef';
const masker = (rules: MaskingRule[]): Masker => new Masker(rules, { hashKey });

/** The policy of the docs example: a partial email column, cards by content, SSN column and content. */
const policy = masker([
  { column: 'public.customers.email', strategy: 'partial', ruleId: 'pii' },
  { column: 'customers.ssn', strategy: 'redact', ruleId: 'pii' },
  { detector: 'payment_card', strategy: 'redact', ruleId: 'pii' },
  { detector: 'us_ssn', strategy: 'redact', ruleId: 'pii' },
  { detector: 'email', strategy: 'partial', ruleId: 'pii' },
]);

describe('Masker construction', () => {
  it('is empty without rules, and then masks nothing', () => {
    const m = masker([]);
    expect(m.isEmpty).toBe(true);
    expect(m.maskCell('4111111111111111', null)).toEqual({ value: '4111111111111111', masked: 0 });
    expect(m.maskText('a@b.co')).toEqual({ value: 'a@b.co', masked: 0 });
  });

  it.each([
    [{ strategy: 'redact', ruleId: 'r' }, /names no column, jsonPath or detector/],
    [{ detector: 'passport', strategy: 'redact', ruleId: 'r' }, /unknown detector "passport"/],
    [{ column: 'x', strategy: 'scramble', ruleId: 'r' }, /unknown strategy "scramble"/],
    [{ column: ' ', strategy: 'redact', ruleId: 'r' }, /empty column/],
    [{ jsonPath: 'user.ssn', strategy: 'redact', ruleId: 'r' }, /must start with \$/],
  ])('rejects %j', (rule, message) => {
    expect(() => masker([rule as MaskingRule])).toThrow(message);
  });

  it('requires a hash key', () => {
    expect(() => new Masker([], { hashKey: '' })).toThrow(/hashKey/);
  });
});

describe('maskCell', () => {
  it('tells which strategy a column gets, for values the caller cannot pass as text', () => {
    expect(policy.columnStrategy('public.customers.ssn')).toBe('redact');
    expect(policy.columnStrategy('public.customers.email')).toBe('partial');
    expect(policy.columnStrategy('public.orders.note')).toBeNull();
    expect(policy.columnStrategy(null)).toBeNull();
  });

  it('applies a column rule to the whole value', () => {
    expect(policy.maskCell('Jane.Doe@example.com', 'public.customers.email')).toEqual({
      value: 'J***@example.com',
      masked: 1,
    });
    expect(policy.maskCell('123-45-6789', 'sales.customers.ssn')).toEqual({ value: '[REDACTED]', masked: 1 });
  });

  it('masks a column value even when no detector would recognise it', () => {
    expect(policy.maskCell('not-an-ssn', 'public.customers.ssn')).toEqual({ value: '[REDACTED]', masked: 1 });
  });

  it('runs detectors over other columns, finding values anywhere in the text', () => {
    expect(policy.maskCell('paid with 4111 1111 1111 1111 by jane@x.io', 'public.orders.note')).toEqual({
      value: 'paid with [REDACTED:payment_card] by j***@x.io',
      masked: 2,
    });
  });

  it('returns the very same string when there is nothing to mask', () => {
    const s = 'Plain text, no digits';
    expect(policy.maskCell(s, 'public.orders.note').value).toBe(s);
    expect(policy.maskCell('order 12345', null)).toEqual({ value: 'order 12345', masked: 0 });
  });

  describe('values that escape their column name', () => {
    it('SELECT ssn AS name: the alias (or a traced but different column) does not unmask it', () => {
      expect(policy.maskCell('123-45-6789', 'public.customers.name').value).toBe('[REDACTED:us_ssn]');
      expect(policy.maskCell('123-45-6789', null).value).toBe('[REDACTED:us_ssn]');
    });

    it("ssn || '' and other expressions (column null) are caught by content", () => {
      expect(policy.maskCell('123-45-6789', null)).toEqual({ value: '[REDACTED:us_ssn]', masked: 1 });
      expect(policy.maskCell('SSN: 123-45-6789 (verified)', null).value).toBe('SSN: [REDACTED:us_ssn] (verified)');
      expect(policy.maskCell('4111111111111111', null).value).toBe('[REDACTED:payment_card]');
    });

    it('row_to_json(c): JSON text in one cell is masked field by field and stays valid JSON', () => {
      const row = JSON.stringify({ id: 7, email: 'jane@example.com', ssn: '123-45-6789', card: '4242424242424242' });
      const out = policy.maskCell(row, null);
      expect(out.masked).toBe(3);
      expect(JSON.parse(out.value)).toEqual({
        id: 7,
        email: 'j***@example.com',
        ssn: '[REDACTED:us_ssn]',
        card: '[REDACTED:payment_card]',
      });
    });

    it('json_agg output with escaped newlines before a value still parses after masking', () => {
      const cell = JSON.stringify([{ note: 'line one\n4111111111111111' }, { note: 'call\t123-45-6789' }]);
      const out = policy.maskCell(cell, null);
      expect(out.masked).toBe(2);
      expect(JSON.parse(out.value)).toEqual([
        { note: 'line one\n[REDACTED:payment_card]' },
        { note: 'call\t[REDACTED:us_ssn]' },
      ]);
    });
  });

  it('hashes column values with the key, joinable across rows', () => {
    const m = masker([{ column: 'email', strategy: 'hash', ruleId: 'h' }]);
    const a = m.maskCell('jane@example.com', 'public.customers.email').value;
    expect(a).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(m.maskCell('jane@example.com', 'public.orders.email').value).toBe(a);
    const other = new Masker([{ column: 'email', strategy: 'hash', ruleId: 'h' }], {
      hashKey: 'a different key, long enough',
    });
    expect(other.maskCell('jane@example.com', 'public.customers.email').value).not.toBe(a);
  });

  it('uses the strictest strategy when several rules cover one column or detector', () => {
    const m = masker([
      { column: 'email', strategy: 'partial', ruleId: 'a' },
      { column: 'public.*.email', strategy: 'redact', ruleId: 'b' },
      { detector: 'phone', strategy: 'partial', ruleId: 'a' },
      { detector: 'phone', strategy: 'hash', ruleId: 'b' },
    ]);
    expect(m.maskCell('a@b.co', 'public.x.email').value).toBe('[REDACTED]');
    expect(m.maskCell('+14155552671', null).value).toMatch(/^hash:[0-9a-f]{16}$/);
  });

  it('gives a column partial the hint of the kind of value it holds', () => {
    const m = masker([{ column: '*', strategy: 'partial', ruleId: 'p' }]);
    expect(m.maskCell(' 4242 4242 4242 4242 ', 'a.b.card').value).toBe('**** **** **** 4242');
    expect(m.maskCell('123-45-6789', 'a.b.ssn').value).toBe('***-**-6789');
    expect(m.maskCell('Jane Marie Doe', 'a.b.name').value).toBe('***oe');
    expect(m.maskCell('AKIAIOSFODNN7EXAMPLE', 'a.b.k').value).toBe('[REDACTED:cloud_key]');
  });

  it('masks every finding of text that holds a private key, a JWT and a cloud key', () => {
    const m = masker([
      { detector: 'private_key', strategy: 'partial', ruleId: 's' },
      { detector: 'jwt', strategy: 'redact', ruleId: 's' },
      { detector: 'cloud_key', strategy: 'redact', ruleId: 's' },
    ]);
    const text =
      'key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE AKIAIOSFODNN7EXAMPLE\n-----END EC PRIVATE KEY-----\n' +
      'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
    expect(m.maskText(text)).toEqual({
      value: 'key:\n[REDACTED:private_key]\nexport AWS_ACCESS_KEY_ID=[REDACTED:cloud_key] token=[REDACTED:jwt]',
      masked: 3,
    });
  });
});

describe('maskJson', () => {
  const m = masker([
    { jsonPath: '$.user.email', strategy: 'partial', ruleId: 'j' },
    { jsonPath: '$.items[*].card', strategy: 'redact', ruleId: 'j' },
    { jsonPath: '$..ssn', strategy: 'hash', ruleId: 'j' },
    { jsonPath: '$.secrets', strategy: 'redact', ruleId: 'j' },
    { detector: 'email', strategy: 'redact', ruleId: 'd' },
    { detector: 'payment_card', strategy: 'partial', ruleId: 'd' },
  ]);

  it('masks selected fields whole and detector findings in every other string, in place', () => {
    const doc = {
      user: { email: 'jane@example.com', name: 'Jane', ssn: '123-45-6789' },
      items: [{ card: 'anything', sku: 'A-1' }, { card: 4111111111111111 }],
      notes: ['mail bob@corp.io', 'n/a'],
      nested: { deep: [{ ssn: 123456789 }] },
      secrets: { a: 1, b: [2] },
      nothing: null,
    };
    const out = m.maskJson(doc);
    expect(out.value).toBe(doc);
    const ssnHash = (v: string): string => (m.maskJson({ ssn: v }).value as { ssn: string }).ssn;
    expect(ssnHash('123-45-6789')).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(doc).toEqual({
      user: { email: 'j***@example.com', name: 'Jane', ssn: ssnHash('123-45-6789') },
      items: [{ card: '[REDACTED]', sku: 'A-1' }, { card: '[REDACTED]' }],
      notes: ['mail [REDACTED:email]', 'n/a'],
      nested: { deep: [{ ssn: ssnHash('123456789') }] },
      secrets: '[REDACTED]',
      nothing: null,
    });
    expect(out.masked).toBe(7);
  });

  it('catches a card stored as a JSON number by content', () => {
    expect(m.maskJson({ n: 4111111111111111, small: 42 }).value).toEqual({ n: '**** **** **** 1111', small: 42 });
  });

  it('masks object keys that are themselves findings, without losing colliding entries', () => {
    const out = m.maskJson({ 'a@x.io': 1, 'b@y.io': 2, plain: 3 });
    expect(out.value).toEqual({ '[REDACTED:email]': 1, '[REDACTED:email]#2': 2, plain: 3 });
    expect(Object.keys(out.value as object)).toEqual(['[REDACTED:email]', '[REDACTED:email]#2', 'plain']);
  });

  it('keeps a __proto__ key an own property', () => {
    const doc = JSON.parse('{"__proto__": {"x": "a@x.io"}, "k@x.io": 1}') as Record<string, unknown>;
    const out = m.maskJson(doc).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect((out as { x?: unknown }).x).toBeUndefined();
  });

  it('masks a root string or a root selected by $', () => {
    expect(m.maskJson('to bob@corp.io')).toEqual({ value: 'to [REDACTED:email]', masked: 1 });
    expect(masker([{ jsonPath: '$', strategy: 'redact', ruleId: 'r' }]).maskJson({ a: 1 })).toEqual({
      value: '[REDACTED]',
      masked: 1,
    });
  });

  it('supports indexes from either end and recursive wildcards', () => {
    const idx = masker([{ jsonPath: '$.a[-1]', strategy: 'redact', ruleId: 'r' }]);
    expect(idx.maskJson({ a: ['x', 'y', 'z'] }).value).toEqual({ a: ['x', 'y', '[REDACTED]'] });
    const all = masker([{ jsonPath: '$..*', strategy: 'redact', ruleId: 'r' }]);
    expect(all.maskJson({ a: 'x', b: [true] }).value).toEqual({ a: '[REDACTED]', b: '[REDACTED]' });
  });

  it('refuses documents nested beyond the depth limit with a clear error', () => {
    let deep: unknown = 'a@b.co';
    for (let i = 0; i < 1100; i++) deep = [deep];
    expect(() => m.maskJson(deep)).toThrow(/nested deeper than/);
  });
});
