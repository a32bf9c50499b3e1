import { ColumnMatcher, compileColumnPattern, parseColumnPattern } from './column-match';

describe('column globs', () => {
  const cases: Array<[string, string, boolean]> = [
    ['public.customers.email', 'public.customers.email', true],
    ['public.customers.email', 'sales.customers.email', false],
    ['customers.email', 'public.customers.email', true],
    ['customers.email', 'sales.customers.email', true],
    ['customers.email', 'public.vip_customers.email', false],
    ['email', 'public.customers.email', true],
    ['email', 'public.customers.email_verified', false],
    ['*.email', 'public.users.email', true],
    ['public.*.ssn', 'public.employees.ssn', true],
    ['public.*.ssn', 'hr.employees.ssn', false],
    ['public.customers.*', 'public.customers.name', true],
    ['*_ssn', 'public.people.tax_ssn', true],
    ['*_ssn', 'public.people.ssn', false],
    ['**.card*', 'billing.payments.card_number', true],
    ['public.**', 'public.a.b', true],
    ['public.**', 'private.public.b', false],
    ['Customers.EMAIL', 'public.customers.email', true], // unquoted: folded
    ['"Customers".email', 'public.customers.email', false], // quoted: case kept
    ['"Customers".email', 'public.Customers.email', true],
    ['"odd.name"', 'public.t.odd.name', true], // the dot is part of the quoted name
    ['"a*b"', 'public.t.axxb', false], // quoted star is literal
    ['"a*b"', 'public.t.a*b', true],
  ];

  it.each(cases)('%s vs %s → %s', (pattern, column, ok) => {
    expect(compileColumnPattern(pattern).test(column)).toBe(ok);
  });

  it('rejects patterns it cannot mean anything by', () => {
    expect(() => parseColumnPattern('public..email')).toThrow(/empty part/);
    expect(() => parseColumnPattern('"unclosed.email')).toThrow(/unclosed quote/);
  });
});

describe('ColumnMatcher', () => {
  it('answers the strictest strategy of all matching rules, and null for none', () => {
    const m = new ColumnMatcher([
      { pattern: 'email', strategy: 'partial' },
      { pattern: 'public.customers.*', strategy: 'hash' },
    ]);
    expect(m.match('public.customers.email')).toBe('hash');
    expect(m.match('public.staff.email')).toBe('partial');
    expect(m.match('public.staff.name')).toBeNull();
    expect(m.match('public.staff.name')).toBeNull(); // cached answer
  });
});
