import { unwrap } from './ast';
import type { StatementFacts } from './facts';
import { baseCategory, objectTypeFor } from './statement-kinds';
import type { SqlCategory, SqlStatementInfo, SqlWhereInfo } from './types';

const WRITE_VERBS = ['insert', 'update', 'delete', 'merge', 'truncate', 'lock'];

/**
 * The statement that decides the category: PREPARE and DECLARE CURSOR are about their query,
 * EXPLAIN ANALYZE runs its statement.
 */
function effectiveKind(stmt: unknown, facts: StatementFacts): string | undefined {
  let node = unwrap(stmt);
  while (node) {
    const passThrough =
      node.type === 'PrepareStmt' ||
      node.type === 'DeclareCursorStmt' ||
      (node.type === 'ExplainStmt' && facts.explainAnalyze === true);
    if (!passThrough) return node.type;
    node = unwrap(node.node.query);
  }
  return undefined;
}

function categoryOf(kind: string, effective: string, facts: StatementFacts, dynamic: boolean): SqlCategory {
  // EXPLAIN without ANALYZE plans only: nothing inside it runs.
  if (kind === 'ExplainStmt' && facts.explainAnalyze !== true) return 'read';
  let category = baseCategory(effective);
  if (category === 'read') {
    if (facts.commands.has('create'))
      category = 'ddl'; // SELECT ... INTO
    else if (facts.rowLocks || WRITE_VERBS.some((v) => facts.commands.has(v)))
      category = 'write'; // CTE DML, FOR UPDATE
    else if (facts.setsRole) category = 'session'; // SELECT set_config('role', ...)
  }
  // A read or write that also runs unseen SQL is summarised as dynamic; DDL/DCL/COPY keep their
  // class (their `dynamic` flag still says it).
  if (dynamic && (category === 'read' || category === 'write')) category = 'dynamic';
  return category;
}

function combinedWhere(wheres: readonly SqlWhereInfo[]): SqlWhereInfo | undefined {
  if (wheres.length === 0) return undefined;
  return { present: wheres.every((w) => w.present), alwaysTrue: wheres.some((w) => w.alwaysTrue) };
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

/**
 * Cacheable by fingerprint only when the classification cannot change with literal values
 * (the fingerprint ignores them: `WHERE 1 = 1` and `WHERE 1 = 2` share one) and the decision
 * does not hang on session state: EXECUTE depends on what was prepared under that name, SET
 * on the value being set, dynamic statements on the text of their bodies.
 */
function isCacheable(kind: string, facts: StatementFacts, dynamic: boolean): boolean {
  return !facts.literalSensitive && !dynamic && facts.executes === undefined && kind !== 'VariableSetStmt';
}

export function toStatementInfo(stmt: unknown, facts: StatementFacts): SqlStatementInfo {
  const top = unwrap(stmt);
  const kind = top?.type ?? 'Unknown';
  const dynamic = facts.dynamicReasons.size > 0;
  const info: SqlStatementInfo = {
    kind,
    category: categoryOf(kind, effectiveKind(stmt, facts) ?? kind, facts, dynamic),
    commands: [...facts.commands],
    relationsRead: sorted(facts.relationsRead),
    relationsWritten: sorted(facts.relationsWritten),
    unqualifiedRelations: facts.unqualifiedRelations,
    functions: sorted(facts.functions),
    dangerousFunctions: sorted(facts.dangerousFunctions),
    dynamic,
    dynamicReasons: sorted(facts.dynamicReasons),
    setsRole: facts.setsRole,
    cacheable: isCacheable(kind, facts, dynamic),
  };
  const objectType =
    kind === 'SelectStmt' && facts.commands.has('create') ? 'table' : top ? objectTypeFor(kind, top.node) : undefined;
  const optional: Partial<SqlStatementInfo> = {
    objectType,
    copy: facts.copy,
    transaction: facts.transaction,
    where: combinedWhere(facts.wheres),
    explainAnalyze: facts.explainAnalyze,
    cursor: facts.cursor || undefined,
    cursorName: facts.cursorName,
    rowLocks: facts.rowLocks || undefined,
    prepares: facts.prepares,
    executes: facts.executes,
    setting: facts.setting,
  };
  // Only defined optional fields, so the JSON (and the fingerprint over it) stays minimal and stable.
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (info as unknown as Record<string, unknown>)[key] = value;
  }
  return info;
}
