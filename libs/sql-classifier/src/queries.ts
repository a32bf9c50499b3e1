import { type AstObject, asArray, asString, foldConstantString, isObject, nodeOfType, unwrap } from './ast';
import { LOCAL_SQL_ARGUMENT, functionRisk, runsSql } from './functions';
import { relationName } from './names';
import { analyzeWhere } from './predicates';
import { inspectSetting } from './settings';
import type { NodeHandler, WalkContext, Walker } from './walker';

// Handlers for queries and DML: who reads, who writes, which functions run, and CTE scoping.

export const visitRangeVar: NodeHandler = (node, ctx, w) => {
  const rel = relationName(node);
  if (!rel) return;
  if (ctx.ddlTargets) {
    w.addRelationName(rel.name, rel.qualified, 'write');
    return;
  }
  // An unqualified name that matches a visible CTE is the CTE, not a table.
  if (!rel.qualified && ctx.ctes.has(asString(node.relname) ?? '')) return;
  w.addRelationName(rel.name, rel.qualified, 'read');
};

const FUNCCALL_SKIP = new Set(['funcname']);

export const visitFuncCall: NodeHandler = (node, ctx, w) => {
  const fn = w.addFunction(node.funcname);
  if (fn) {
    if (runsSql(fn.base, functionRisk(fn.base, fn.schema))) {
      w.facts.dynamicReasons.add(`function:${fn.name}`);
      classifySqlArgument(fn.base, node, ctx, w);
    }
    if (fn.base === 'set_config') inspectSetConfig(node, w);
  }
  w.walkFields(node, ctx.ddlTargets ? { ...ctx, ddlTargets: false } : ctx, FUNCCALL_SKIP);
};

/** query_to_xml('select ...') still reveals what it reads when the SQL is a constant. */
function classifySqlArgument(base: string, call: AstObject, ctx: WalkContext, w: Walker): void {
  const index = LOCAL_SQL_ARGUMENT.get(base);
  if (index === undefined) return;
  const sql = foldConstantString(asArray(call.args)[index]);
  if (sql === undefined) return;
  w.facts.literalSensitive = true;
  w.walkSqlText(sql, ctx.depth + 1);
}

/** set_config('role', ...) is SET ROLE; a name we cannot read could be anything. */
function inspectSetConfig(call: AstObject, w: Walker): void {
  w.facts.literalSensitive = true;
  const name = foldConstantString(asArray(call.args)[0]);
  if (name === undefined) {
    w.facts.setsRole = true;
    w.facts.dynamicReasons.add('set_config-nonconstant');
    return;
  }
  inspectSetting(name, w);
}

/** WITH: each CTE body sees the CTEs before it (all of them when RECURSIVE); the query sees all. */
function withScope(withClause: unknown, ctx: WalkContext, w: Walker): WalkContext {
  if (!isObject(withClause)) return ctx;
  const ctes = asArray(withClause.ctes)
    .map((c) => nodeOfType(c, 'CommonTableExpr'))
    .filter((c): c is AstObject => c !== undefined);
  const names = ctes.map((c) => asString(c.ctename) ?? '');
  const recursive = withClause.recursive === true;
  ctes.forEach((cte, i) => {
    const visible = new Set([...ctx.ctes, ...(recursive ? names : names.slice(0, i))]);
    w.walkFields(cte, { ...ctx, ctes: visible, ddlTargets: false, insertSource: false });
  });
  return { ...ctx, ctes: new Set([...ctx.ctes, ...names]) };
}

const LOCK_VERB: ReadonlyMap<string, string> = new Map([
  ['LCS_FORUPDATE', 'select_for_update'],
  ['LCS_FORNOKEYUPDATE', 'select_for_no_key_update'],
  ['LCS_FORSHARE', 'select_for_share'],
  ['LCS_FORKEYSHARE', 'select_for_key_share'],
]);

/**
 * SELECT ... FOR UPDATE/SHARE locks rows and needs UPDATE privilege, so the tables in its FROM
 * count as written. With `OF name` the names may be aliases, so all FROM tables are taken.
 */
function lockRows(select: AstObject, ctx: WalkContext, w: Walker): void {
  w.facts.rowLocks = true;
  for (const clause of asArray(select.lockingClause)) {
    const verb = LOCK_VERB.get(asString(nodeOfType(clause, 'LockingClause')?.strength) ?? '');
    w.facts.commands.add(verb ?? 'select_for_update');
  }
  collectRangeVars(select.fromClause, (rv) => {
    const rel = relationName(rv);
    if (rel && !(!rel.qualified && ctx.ctes.has(asString(rv.relname) ?? ''))) {
      w.addRelationName(rel.name, rel.qualified, 'write');
    }
  });
}

function collectRangeVars(value: unknown, found: (rv: AstObject) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRangeVars(v, found);
    return;
  }
  if (!isObject(value)) return;
  const u = unwrap(value);
  if (u?.type === 'RangeVar') return found(u.node);
  for (const child of Object.values(u ? u.node : value)) collectRangeVars(child, found);
}

const SELECT_SKIP = new Set(['withClause', 'intoClause', 'lockingClause']);

export const visitSelect: NodeHandler = (node, ctx, w) => {
  const valuesOnly = node.valuesLists !== undefined;
  if (!(ctx.insertSource && valuesOnly)) w.facts.commands.add('select');
  const scoped = withScope(node.withClause, ctx, w);
  const inner: WalkContext = { ...scoped, ddlTargets: false, insertSource: false };
  if (isObject(node.intoClause)) {
    // SELECT ... INTO new_table creates a table.
    w.facts.commands.add('create');
    w.walk(node.intoClause, inner, 'IntoClause');
  }
  if (asArray(node.lockingClause).length > 0) lockRows(node, scoped, w);
  w.walkFields(node, inner, SELECT_SKIP);
};

export const visitIntoClause: NodeHandler = (node, ctx, w) => {
  w.addRelation(node.rel, 'write');
  w.walkFields(node, ctx, new Set(['rel']));
};

const DML_SKIP = new Set(['relation', 'withClause', 'selectStmt']);

export const visitInsert: NodeHandler = (node, ctx, w) => {
  const inner: WalkContext = { ...withScope(node.withClause, ctx, w), ddlTargets: false, insertSource: false };
  w.addRelation(node.relation, 'write');
  // RETURNING and ON CONFLICT read the target's rows.
  if (node.returningClause !== undefined || node.onConflictClause !== undefined) w.addRelation(node.relation, 'read');
  w.walk(node.selectStmt, { ...inner, insertSource: true });
  w.walkFields(node, inner, DML_SKIP);
};

/** UPDATE, DELETE: the target is read (WHERE, RETURNING) and written; the WHERE is judged. */
export const visitUpdateOrDelete: NodeHandler = (node, ctx, w) => {
  const inner: WalkContext = { ...withScope(node.withClause, ctx, w), ddlTargets: false, insertSource: false };
  w.addRelation(node.relation, 'write');
  w.addRelation(node.relation, 'read');
  recordWhere(node.whereClause, node.relation, w);
  w.walkFields(node, inner, DML_SKIP);
};

/** MERGE: the join condition decides which target rows the actions touch. */
export const visitMerge: NodeHandler = (node, ctx, w) => {
  const inner: WalkContext = { ...withScope(node.withClause, ctx, w), ddlTargets: false, insertSource: false };
  w.addRelation(node.relation, 'write');
  w.addRelation(node.relation, 'read');
  recordWhere(node.joinCondition, node.relation, w);
  w.walkFields(node, inner, DML_SKIP);
};

function recordWhere(where: unknown, target: unknown, w: Walker): void {
  const alias = isObject(target) && isObject(target.alias) ? asString(target.alias.aliasname) : undefined;
  const result = analyzeWhere(where, alias ?? (isObject(target) ? asString(target.relname) : undefined));
  w.facts.wheres.push(result.info);
  if (result.literalSensitive) w.facts.literalSensitive = true;
}

/** Inside DDL, a foreign key's referenced table and LIKE's source are read, not changed. */
export const visitConstraint: NodeHandler = (node, ctx, w) => {
  w.addRelation(node.pktable, 'read');
  w.walkFields(node, ctx, new Set(['pktable']));
};

export const visitTableLike: NodeHandler = (node, ctx, w) => {
  w.addRelation(node.relation, 'read');
  w.walkFields(node, ctx, new Set(['relation']));
};
