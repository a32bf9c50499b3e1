import { classifySql, initSqlParser } from './index';

beforeAll(async () => {
  await initSqlParser();
});

function only(sql: string) {
  const result = classifySql(sql);
  expect(result.error).toBeUndefined();
  expect(result.statements).toHaveLength(1);
  return result.statements[0];
}

describe('PL/pgSQL bodies', () => {
  it.each([
    [
      'EXECUTE ... USING',
      `DO $$ BEGIN EXECUTE 'delete from t where id = $1' USING pg_backend_pid(); END $$`,
      ['do-block'],
    ],
    [
      'FOR ... IN EXECUTE',
      `DO $$ DECLARE r record; BEGIN FOR r IN EXECUTE 'select * from ' || tbl LOOP END LOOP; END $$`,
      ['do-block', 'execute-nonconstant'],
    ],
    [
      'OPEN ... FOR EXECUTE',
      `DO $$ DECLARE c refcursor; BEGIN OPEN c FOR EXECUTE q; END $$`,
      ['do-block', 'execute-nonconstant'],
    ],
    [
      'RETURN QUERY EXECUTE',
      `CREATE FUNCTION f() RETURNS SETOF int LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE current_setting('x.q'); END $$`,
      ['execute-nonconstant', 'function-body'],
    ],
    [
      'format() in a function',
      `CREATE FUNCTION f(t text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('TRUNCATE %I', t); END $$`,
      ['execute-nonconstant', 'function-body'],
    ],
    [
      'a body that does not compile',
      `DO $$ BEGIN undeclared_var := 1; END $$`,
      ['do-block', 'unanalysable-body:plpgsql'],
    ],
  ])('%s', (_name, sql, reasons) => {
    const info = only(sql);
    expect(info.dynamic).toBe(true);
    expect(info.dynamicReasons).toEqual(reasons);
  });

  it('reads the constant EXECUTE ... USING statement and its argument functions', () => {
    const info = only(`DO $$ BEGIN EXECUTE 'delete from t where id = $1' USING pg_backend_pid(); END $$`);
    expect(info.commands).toEqual(['do', 'delete', 'select']);
    expect(info.relationsWritten).toEqual(['t']);
    expect(info.functions).toEqual(['pg_backend_pid']);
  });

  it('sees statements in a trigger function that uses NEW and OLD', () => {
    const info = only(
      `CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := lo_import('/etc/passwd'); DELETE FROM audit WHERE id = OLD.id; RETURN NEW; END $$`,
    );
    expect(info.relationsWritten).toEqual(['audit']);
    expect(info.dangerousFunctions).toEqual(['lo_import']);
    expect(info.where).toEqual({ present: true, alwaysTrue: false });
  });

  it('sees cursor queries and variable defaults in declarations', () => {
    const info = only(`DO $$ DECLARE c CURSOR FOR SELECT * FROM secret; n int := pg_sleep(1); BEGIN NULL; END $$`);
    expect(info.relationsRead).toEqual(['secret']);
    expect(info.dangerousFunctions).toEqual(['pg_sleep']);
  });

  it('sees SET ROLE inside a DO block', () => {
    const info = only(`DO $$ BEGIN SET ROLE admin; END $$`);
    expect(info.setsRole).toBe(true);
    expect(info.commands).toContain('set_role');
  });

  it('stops at a nesting limit instead of recursing forever', () => {
    let sql = 'drop table bottom';
    for (let i = 0; i < 12; i++) sql = `DO $b${i}$ BEGIN EXECUTE $e${i}$${sql}$e${i}$; END $b${i}$`;
    const info = only(sql);
    expect(info.dynamicReasons).toContain('nesting-too-deep');
    expect(info.relationsWritten).toEqual([]);
  });

  it('does not mistake an unparseable SQL function body for an empty one', () => {
    const info = only(`CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'this is not sql'`);
    expect(info.dynamicReasons).toEqual(['function-body', 'unanalysable-body:sql']);
  });

  it('reports a multi-byte statement body sliced from a multi-statement text', () => {
    const result = classifySql(`select 'héllo wörld'; DO $$ BEGIN DELETE FROM "tâble"; END $$; select 2`);
    expect(result.statements).toHaveLength(3);
    expect(result.statements[1].relationsWritten).toEqual(['"tâble"']);
    expect(result.statements[1].dynamicReasons).toEqual(['do-block']);
  });
});
