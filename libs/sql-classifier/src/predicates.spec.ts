import { classifySql, initSqlParser } from './index';

beforeAll(async () => {
  await initSqlParser();
});

function whereOf(sql: string) {
  const result = classifySql(sql);
  expect(result.ok).toBe(true);
  return { where: result.statements[0].where, cacheable: result.statements[0].cacheable };
}

const ALL = { present: true, alwaysTrue: true };
const RESTRICTS = { present: true, alwaysTrue: false };
const NONE_GIVEN = { present: false, alwaysTrue: true };

describe('WHERE of UPDATE / DELETE', () => {
  it.each([
    ['no WHERE', 'delete from t', NONE_GIVEN],
    ['1 = 1', 'delete from t where 1 = 1', ALL],
    ['true', 'update t set a = 1 where true', ALL],
    ['string equality', `delete from t where 'a' = 'a'`, ALL],
    ['number against numeric string', `delete from t where 1 = '1'`, ALL],
    ['x = x', 'delete from t where id = id', ALL],
    ['qualified against unqualified column', 'delete from t where t.id = id', ALL],
    ['alias-qualified against unqualified column', 'update t as x set a = 1 where id = x.id', ALL],
    ['unqualified against another table', 'delete from t using u where id = u.id', RESTRICTS],
    ['x >= x', 'delete from t where a >= a', ALL],
    ['IS NOT DISTINCT FROM itself', 'delete from t where a is not distinct from a', ALL],
    ['OR true', 'delete from t where id = 5 or true', ALL],
    ['OR 2 > 1', 'delete from t where id = 5 or 2 > 1', ALL],
    ['NOT false', 'delete from t where not false', ALL],
    ['NOT NOT true', 'delete from t where not not true', ALL],
    ['string read as boolean', `delete from t where 'yes'`, ALL],
    ['boolean cast of a string', `delete from t where 't'::boolean`, ALL],
    ['null test pair', 'delete from t where a is null or a is not null', ALL],
    ['LIKE %', `delete from t where name like '%'`, ALL],
    ['row-independent function comparison', `delete from t where now() > '2000-01-01'`, ALL],
    ['uncorrelated EXISTS', 'delete from t where exists (select 1)', ALL],
    ['bare parameter', 'delete from t where $1', ALL],
    ['parameter compared with parameter', 'delete from t where $1 = $2', ALL],
    ['AND of tautologies', 'delete from t where 1 = 1 and id = id', ALL],
    ['id = 5', 'delete from t where id = 5', RESTRICTS],
    ['id = parameter', 'delete from t where id = $1', RESTRICTS],
    ['1 = 2', 'delete from t where 1 = 2', RESTRICTS],
    ['x <> x', 'delete from t where a <> a', RESTRICTS],
    ['AND with a restriction', 'delete from t where 1 = 1 and id = 7', RESTRICTS],
    ['NOT true', 'delete from t where not true', RESTRICTS],
    ['LIKE with a prefix', `delete from t where name like 'a%'`, RESTRICTS],
    ['join condition in UPDATE FROM', 'update t set a = u.a from u where t.id = u.id', RESTRICTS],
    ['correlated EXISTS', 'delete from t where exists (select 1 from u where u.id = t.id)', RESTRICTS],
    ['WHERE CURRENT OF', 'delete from t where current of c', RESTRICTS],
  ])('%s', (_name, sql, expected) => {
    expect(whereOf(sql).where).toEqual(expected);
  });

  it('a missing WHERE counts as always true', () => {
    expect(whereOf('update t set a = 1').where).toEqual({ present: false, alwaysTrue: true });
  });

  it('reports the worst WHERE over all DML in a statement', () => {
    const { where } = whereOf('with d as (delete from a where id = 1) update b set x = 1 where true');
    expect(where).toEqual({ present: true, alwaysTrue: true });
  });

  it('SELECT has no WHERE verdict', () => {
    expect(whereOf('select * from t where 1 = 1').where).toBeUndefined();
  });
});

describe('cacheable', () => {
  it.each([
    // Decided from literal values the fingerprint ignores: never cacheable.
    ['delete from t where 1 = 1', false],
    ['delete from t where 1 = 2', false],
    [`delete from t where name like '%'`, false],
    // Decided by structure alone.
    ['delete from t where id = 5', true],
    ['delete from t where id = id', true],
    ['delete from t', true],
    ['select * from t where a = 1', true],
    ['insert into t values (1)', true],
    // Session state or literal-bearing statements.
    ['execute p(1)', false],
    ['set search_path = public', false],
    [`select set_config('role', 'x', false)`, false],
    [`DO $$ BEGIN NULL; END $$`, false],
  ])('%s → %s', (sql, cacheable) => {
    const result = classifySql(sql);
    expect(result.statements[0].cacheable).toBe(cacheable);
    expect(result.cacheable).toBe(cacheable);
  });

  it('a multi-statement text is cacheable only if every statement is', () => {
    expect(classifySql('select 1; delete from t where 1 = 1').cacheable).toBe(false);
    expect(classifySql('select 1; select 2').cacheable).toBe(true);
  });
});
