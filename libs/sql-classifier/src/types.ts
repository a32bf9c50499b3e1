/**
 * Coarse class of a statement, for policy rules. It is a summary only: a rule that allows a
 * category must still look at `dynamic`, `dangerousFunctions`, `setsRole` and `where`.
 *
 * PREPARE, DECLARE CURSOR and EXPLAIN ANALYZE take the class of the statement they wrap; plain
 * EXPLAIN is 'read' (nothing runs). A SELECT becomes 'write' with CTE DML or FOR UPDATE/SHARE,
 * 'ddl' with INTO, 'session' when it sets the role; a read or write that runs unseen SQL
 * (`dynamic`) becomes 'dynamic'. Unknown statement kinds are 'ddl'. CALL is 'write'; TRUNCATE
 * and LOCK are 'write'; EXECUTE is 'utility' (decide on the prepared statement it names).
 */
export type SqlCategory = 'read' | 'write' | 'ddl' | 'dcl' | 'transaction' | 'session' | 'dynamic' | 'utility' | 'copy';

export interface SqlCopyInfo {
  direction: 'from' | 'to';
  /** COPY ... PROGRAM: runs a shell command on the database server. */
  program: boolean;
  /** COPY ... 'server file path'. */
  file: boolean;
  /** COPY ... FROM STDIN / TO STDOUT: data flows through the client connection. */
  stdio: boolean;
  relation?: string;
}

export interface SqlWhereInfo {
  /** false when an UPDATE/DELETE has no WHERE at all. */
  present: boolean;
  /**
   * The statement may touch every row: no WHERE at all, or a condition that is constant true,
   * a tautology (x = x, OR true, NOT false, 'yes', x IS NULL OR x IS NOT NULL, LIKE '%'), or does
   * not depend on the row (2 > 1, $1, now() > '2000-01-01'), which matches all rows or none.
   */
  alwaysTrue: boolean;
}

export interface SqlStatementInfo {
  /** Parser node type of the top-level statement, e.g. 'SelectStmt', 'DeleteStmt'. */
  kind: string;
  category: SqlCategory;
  /**
   * Every statement verb found, nested ones included (CTE DML, EXPLAIN ANALYZE targets, PREPARE
   * bodies, rule/view/function bodies, SQL inside DO blocks). The top-level verb comes first.
   */
  commands: string[];
  /** Object kind for DDL/DCL, e.g. 'table', 'function', 'role', 'schema', 'system'. */
  objectType?: string;
  /**
   * Relation names as the server would see them: identifiers case-folded by the parser and
   * rendered canonically (bare when lowercase-simple, otherwise double-quoted). Qualified names
   * keep their schema ('public.users'); unqualified names are NOT resolved against search_path
   * ('users'), because the agent can change search_path. See `unqualifiedRelations`.
   */
  relationsRead: string[];
  /** Targets of DML, DDL, TRUNCATE, LOCK, row locks (FOR UPDATE/SHARE), COPY FROM, GRANT, ... */
  relationsWritten: string[];
  /** true when some relation was named without a schema (its schema depends on search_path). */
  unqualifiedRelations: boolean;
  /** Every function called, canonical name ('pg_catalog.' stripped). */
  functions: string[];
  /** Subset of `functions` that touches files, other servers, server state, roles, ... */
  dangerousFunctions: string[];
  /** Runs SQL (or code) this classification cannot see; never treat as harmless. */
  dynamic: boolean;
  /** Why `dynamic` is true, e.g. 'do-block', 'execute-nonconstant', 'function:query_to_xml'. */
  dynamicReasons: string[];
  /** SET ROLE, SET SESSION AUTHORIZATION, RESET ROLE, set_config('role', ...), DISCARD ALL. */
  setsRole: boolean;
  /**
   * A decision on this statement may be cached by fingerprint: its classification does not
   * depend on literal values and it does not depend on session state (EXECUTE, SET).
   */
  cacheable: boolean;
  copy?: SqlCopyInfo;
  /** 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback_to' | 'prepare_transaction' | ... */
  transaction?: string;
  /**
   * Present when the statement contains an UPDATE, DELETE or MERGE (MERGE: its ON condition),
   * including CTEs, EXPLAIN ANALYZE, PREPARE and bodies; combined over all of them (worst case).
   */
  where?: SqlWhereInfo;
  /** For EXPLAIN: true when the statement is actually executed (ANALYZE). */
  explainAnalyze?: boolean;
  /** DECLARE CURSOR, FETCH, MOVE, CLOSE. */
  cursor?: boolean;
  cursorName?: string;
  /** SELECT ... FOR UPDATE/SHARE anywhere: rows are locked, the FROM tables count as written. */
  rowLocks?: boolean;
  /** PREPARE name: the caller stores this classification under the name. */
  prepares?: string;
  /** EXECUTE name: the caller must decide on the prepared statement's stored classification. */
  executes?: string;
  /** Configuration parameter of SET / RESET / SHOW, lower-cased. */
  setting?: string;
}

export interface SqlClassification {
  /** false: the text could not be parsed (see `error`); the policy must deny. */
  ok: boolean;
  error?: string;
  statements: SqlStatementInfo[];
  /**
   * Stable hash of the normalized parse tree (literal values removed, comments, case, whitespace
   * ignored) bound to the classification, so two texts with the same fingerprint always have
   * the same classification. Empty when `ok` is false.
   */
  fingerprint: string;
  /** Every statement is cacheable (and the text parsed). */
  cacheable: boolean;
}

export interface ClassifyOptions {
  /** Reject longer input (UTF-8 bytes) instead of parsing it. Default 1 MiB. */
  maxBytes?: number;
  /** Reject texts with more top-level statements (each costs a full classification). Default 1000. */
  maxStatements?: number;
}
