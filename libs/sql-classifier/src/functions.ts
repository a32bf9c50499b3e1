// Catalogue of functions a policy must never treat as harmless. Matching is on the function's
// own name whatever its schema: extensions (dblink, adminpack, pg_cron) install into any
// schema, and a same-named function in another schema is at best suspicious. A quoted name
// with different case ("PG_READ_FILE") is a different function to PostgreSQL and is not matched.

/** Why a function is listed. */
export type FunctionRisk =
  | 'file' // reads/writes/lists server files
  | 'large-object' // lo_* can import/export server files and store arbitrary data
  | 'remote' // connects to other servers
  | 'dynamic-sql' // runs SQL given as a string (hidden from this classification)
  | 'signal' // terminates or cancels other sessions
  | 'server-admin' // reloads configuration, rotates logs, backups, WAL, promotion, stats resets
  | 'config' // changes settings at run time (set_config can SET ROLE)
  | 'replication' // replication slots and logical decoding (can read every change in the database)
  | 'sleep' // holds a connection (denial of service)
  | 'lock' // advisory locks that block other sessions
  | 'sequence' // setval rewinds sequences
  | 'notify'; // pg_notify sends messages to other sessions

const EXACT: Readonly<Record<string, FunctionRisk>> = {
  pg_read_file: 'file',
  pg_read_binary_file: 'file',
  pg_stat_file: 'file',
  pg_logdir_ls: 'file',
  pg_current_logfile: 'file',
  loread: 'large-object',
  lowrite: 'large-object',
  query_to_xml: 'dynamic-sql',
  query_to_xmlschema: 'dynamic-sql',
  query_to_xml_and_xmlschema: 'dynamic-sql',
  cursor_to_xml: 'dynamic-sql',
  cursor_to_xmlschema: 'dynamic-sql',
  table_to_xml: 'dynamic-sql',
  table_to_xmlschema: 'dynamic-sql',
  table_to_xml_and_xmlschema: 'dynamic-sql',
  schema_to_xml: 'dynamic-sql',
  schema_to_xmlschema: 'dynamic-sql',
  schema_to_xml_and_xmlschema: 'dynamic-sql',
  database_to_xml: 'dynamic-sql',
  database_to_xmlschema: 'dynamic-sql',
  database_to_xml_and_xmlschema: 'dynamic-sql',
  ts_stat: 'dynamic-sql',
  ts_rewrite: 'dynamic-sql',
  pg_background_launch: 'dynamic-sql',
  run_command_on_workers: 'dynamic-sql',
  run_command_on_all_nodes: 'dynamic-sql',
  pg_terminate_backend: 'signal',
  pg_cancel_backend: 'signal',
  pg_reload_conf: 'server-admin',
  pg_rotate_logfile: 'server-admin',
  pg_promote: 'server-admin',
  pg_switch_wal: 'server-admin',
  pg_create_restore_point: 'server-admin',
  pg_backup_start: 'server-admin',
  pg_backup_stop: 'server-admin',
  pg_start_backup: 'server-admin',
  pg_stop_backup: 'server-admin',
  pg_wal_replay_pause: 'server-admin',
  pg_wal_replay_resume: 'server-admin',
  pg_log_backend_memory_contexts: 'server-admin',
  pg_import_system_collations: 'server-admin',
  pg_prewarm: 'server-admin',
  set_config: 'config',
  pg_sleep: 'sleep',
  pg_sleep_for: 'sleep',
  pg_sleep_until: 'sleep',
  pg_advisory_lock: 'lock',
  pg_advisory_lock_shared: 'lock',
  pg_advisory_xact_lock: 'lock',
  pg_advisory_xact_lock_shared: 'lock',
  setval: 'sequence',
  pg_notify: 'notify',
};

const PREFIXES: readonly (readonly [string, FunctionRisk])[] = [
  ['pg_ls_', 'file'], // pg_ls_dir, pg_ls_logdir, pg_ls_waldir, pg_ls_tmpdir, ...
  ['pg_file_', 'file'], // adminpack: pg_file_write, pg_file_rename, pg_file_unlink, ...
  ['lo_', 'large-object'], // lo_import, lo_export, lo_from_bytea, lo_put, lo_get, lo_unlink, ...
  ['dblink', 'remote'], // dblink, dblink_exec, dblink_connect, dblink_send_query, ...
  ['postgres_fdw_', 'remote'],
  ['pg_stat_reset', 'server-admin'],
  ['pg_stat_statements_reset', 'server-admin'],
  ['pg_create_', 'replication'], // pg_create_{logical,physical}_replication_slot
  ['pg_drop_replication_slot', 'replication'],
  ['pg_copy_', 'replication'], // pg_copy_{logical,physical}_replication_slot
  ['pg_replication_slot_advance', 'replication'],
  ['pg_logical_', 'replication'], // pg_logical_slot_get_changes, pg_logical_emit_message, ...
  ['pg_replication_origin_', 'replication'],
];

/** Schema-qualified entries for extensions whose function names are too generic to match alone. */
const QUALIFIED: Readonly<Record<string, FunctionRisk>> = {
  'cron.schedule': 'dynamic-sql',
  'cron.schedule_in_database': 'dynamic-sql',
  'cron.alter_job': 'dynamic-sql',
};

/** Functions that execute SQL text; remote ones run it elsewhere, where we cannot see it either. */
const RUNS_SQL_PREFIXES = ['dblink'];

/** Which argument holds SQL for local functions whose constant SQL argument we can still classify. */
export const LOCAL_SQL_ARGUMENT: ReadonlyMap<string, number> = new Map([
  ['query_to_xml', 0],
  ['query_to_xmlschema', 0],
  ['query_to_xml_and_xmlschema', 0],
  ['ts_stat', 0],
]);

export function functionRisk(base: string, schema: string | undefined): FunctionRisk | undefined {
  if (schema !== undefined) {
    const qualified = `${schema}.${base}`;
    if (Object.prototype.hasOwnProperty.call(QUALIFIED, qualified)) return QUALIFIED[qualified];
  }
  if (Object.prototype.hasOwnProperty.call(EXACT, base)) return EXACT[base];
  return PREFIXES.find(([prefix]) => base.startsWith(prefix))?.[1];
}

/** The function runs SQL this classification cannot see (its call is therefore dynamic). */
export function runsSql(base: string, risk: FunctionRisk | undefined): boolean {
  return risk === 'dynamic-sql' || RUNS_SQL_PREFIXES.some((p) => base.startsWith(p));
}

// Settings that change the session user, or the way the server tokenises later statements (a
// tokeniser that disagrees with ours could hide a statement inside what we parsed as a string).
const ROLE_SETTINGS = new Set(['role', 'session_authorization']);
const LEXER_SETTINGS = new Set(['standard_conforming_strings', 'backslash_quote', 'client_encoding']);

export function isRoleSetting(name: string): boolean {
  return ROLE_SETTINGS.has(name.toLowerCase());
}

export function isLexerSetting(name: string): boolean {
  return LEXER_SETTINGS.has(name.toLowerCase());
}
