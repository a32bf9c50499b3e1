import { StatementFacts } from './facts';
import { combinedFingerprint } from './fingerprint';
import { HANDLERS } from './handlers';
import { type RawStatement, SqlText, isSqlParserReady, parseStatements, treeFingerprint } from './parse';
import { toStatementInfo } from './summarize';
import type { ClassifyOptions, SqlClassification, SqlStatementInfo } from './types';
import { Walker, rootContext } from './walker';

const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_STATEMENTS = 1000;

/**
 * Classifies a SQL text (one or more statements) with the PostgreSQL parser. Synchronous once
 * `initSqlParser()` has resolved. Never throws: anything it cannot classify comes back with
 * `ok: false`, which the policy denies.
 */
export function classifySql(sql: string, options: ClassifyOptions = {}): SqlClassification {
  try {
    return classifyText(sql, {
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      maxStatements: options.maxStatements ?? DEFAULT_MAX_STATEMENTS,
    });
  } catch (err) {
    return failure(err instanceof Error ? err.message : String(err));
  }
}

function classifyText(sql: string, limits: Required<ClassifyOptions>): SqlClassification {
  if (!isSqlParserReady()) return failure('SQL parser not initialised: await initSqlParser() first');
  if (typeof sql !== 'string') return failure('SQL text must be a string');
  // The parser (a C library) would stop at a NUL and never see what follows it.
  if (sql.includes('\0')) return failure('SQL text contains a NUL character');
  const text = new SqlText(sql);
  if (text.byteLength() > limits.maxBytes) return failure(`SQL text is longer than ${limits.maxBytes} bytes`);
  const raws = parseStatements(sql);
  if (raws.length > limits.maxStatements) return failure(`SQL text has more than ${limits.maxStatements} statements`);
  const statements = raws.map((raw) => classifyStatement(raw, text));
  return {
    ok: true,
    statements,
    fingerprint: combinedFingerprint(treeFingerprint(sql), statements),
    cacheable: statements.every((s) => s.cacheable),
  };
}

function classifyStatement(raw: RawStatement, text: SqlText): SqlStatementInfo {
  const facts = new StatementFacts();
  new Walker(facts, HANDLERS).walk(raw.stmt, rootContext(raw, text, 0));
  return toStatementInfo(raw.stmt, facts);
}

function failure(error: string): SqlClassification {
  return { ok: false, error, statements: [], fingerprint: '', cacheable: false };
}
