import { fingerprintSync, loadModule, parsePlPgSQLSync, parseSync, scanSync } from 'libpg-query';

let ready = false;
let loading: Promise<void> | undefined;

/** Loads the PostgreSQL parser (WebAssembly) once; later calls return at once. */
export async function initSqlParser(): Promise<void> {
  if (ready) return;
  loading ??= loadModule().then(() => {
    ready = true;
  });
  try {
    await loading;
  } catch (err) {
    // Let a later call retry instead of caching a failed load forever.
    loading = undefined;
    throw err;
  }
}

export function isSqlParserReady(): boolean {
  return ready;
}

export interface RawStatement {
  readonly stmt: unknown;
  /** Byte offsets into the UTF-8 text, as the parser reports them. */
  readonly start: number;
  readonly length: number | undefined;
}

export class SqlSyntaxError extends Error {}

/** Parses a (possibly multi-statement) SQL text. Throws SqlSyntaxError on invalid SQL. */
export function parseStatements(sql: string): RawStatement[] {
  if (sql.trim() === '') return []; // the wasm binding rejects empty input
  let result: { stmts?: readonly { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
  try {
    result = parseSync(sql);
  } catch (err) {
    throw new SqlSyntaxError(errorMessage(err));
  }
  return (result.stmts ?? []).map((s) => ({
    stmt: s.stmt,
    start: s.stmt_location ?? 0,
    length: s.stmt_len || undefined,
  }));
}

/** PL/pgSQL parse of a DO or CREATE FUNCTION statement text. Throws SqlSyntaxError. */
export function parsePlpgsql(sql: string): unknown {
  try {
    return parsePlPgSQLSync(sql);
  } catch (err) {
    throw new SqlSyntaxError(errorMessage(err));
  }
}

/** libpg_query's fingerprint: parse tree with literal values, aliases and positions removed. */
export function treeFingerprint(sql: string): string {
  return sql.trim() === '' ? '' : fingerprintSync(sql);
}

export interface SqlToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export function scanTokens(sql: string): SqlToken[] {
  return scanSync(sql).tokens.map((t) => ({ start: t.start, end: t.end, text: t.text }));
}

/**
 * Parser positions are UTF-8 byte offsets, JS strings are UTF-16; slicing through a Buffer keeps
 * statements with non-ASCII text intact. The Buffer is built only when a slice is needed.
 */
export class SqlText {
  private bytes: Buffer | undefined;

  constructor(readonly text: string) {}

  slice(start: number, length?: number): string {
    this.bytes ??= Buffer.from(this.text, 'utf8');
    const end = length === undefined ? this.bytes.length : start + length;
    return this.bytes.subarray(start, end).toString('utf8');
  }

  byteLength(): number {
    return Buffer.byteLength(this.text, 'utf8');
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
