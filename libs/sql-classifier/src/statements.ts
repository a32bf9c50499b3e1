import { type AstObject, asArray, asString, findDefElem, isObject, unwrap } from './ast';
import { objectTypeName, relationName, relationOfObjectName } from './names';
import { inspectSetting } from './settings';
import { transactionVerb } from './statement-kinds';
import type { NodeHandler, WalkContext } from './walker';

// Handlers for utility statements: COPY, EXPLAIN, PREPARE/EXECUTE, cursors, SET, transactions,
// and DDL whose targets are names rather than RangeVars.

const QUERY_CTX = (ctx: WalkContext): WalkContext => ({ ...ctx, ddlTargets: false, insertSource: false });

export const visitCopy: NodeHandler = (node, ctx, w) => {
  const from = node.is_from === true;
  const program = node.is_program === true;
  const filename = asString(node.filename);
  const rel = isObject(node.relation) ? relationName(node.relation) : undefined;
  w.facts.copy ??= {
    direction: from ? 'from' : 'to',
    program,
    file: filename !== undefined && !program,
    stdio: filename === undefined,
    ...(rel ? { relation: rel.name } : {}),
  };
  if (program) w.facts.dynamicReasons.add('copy-program');
  w.addRelation(node.relation, from ? 'write' : 'read');
  w.walk(node.query, QUERY_CTX(ctx));
  w.walk(node.whereClause, QUERY_CTX(ctx));
};

const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

/** EXPLAIN runs the statement only with ANALYZE (defGetBoolean: no value means true). */
function explainAnalyzes(options: unknown): boolean {
  const def = findDefElem(options, 'analyze');
  if (!def) return false;
  const arg = unwrap(def.arg);
  if (!arg) return true;
  const value = arg.node.boolval ?? arg.node.sval ?? arg.node.ival;
  if (arg.type === 'Integer' && value === undefined) return false; // protobuf omits ival 0
  if (arg.type === 'Boolean' && value === undefined) return false; // and boolval false
  return !FALSE_WORDS.has(String(value).toLowerCase());
}

export const visitExplain: NodeHandler = (node, ctx, w) => {
  const analyze = explainAnalyzes(node.options);
  w.facts.explainAnalyze ??= analyze;
  if (analyze) {
    w.walk(node.query, QUERY_CTX(ctx));
    return;
  }
  const planned = w.fork();
  planned.walk(node.query, QUERY_CTX(ctx));
  w.facts.mergePlanned(planned.facts);
};

export const visitPrepare: NodeHandler = (node, ctx, w) => {
  w.facts.prepares ??= asString(node.name) ?? '';
  w.walk(node.query, QUERY_CTX(ctx));
};

export const visitExecute: NodeHandler = (node, ctx, w) => {
  w.facts.executes ??= asString(node.name) ?? '';
  w.walk(node.params, QUERY_CTX(ctx));
};

export const visitDeclareCursor: NodeHandler = (node, ctx, w) => {
  w.facts.cursor = true;
  w.facts.cursorName ??= asString(node.portalname);
  w.walk(node.query, QUERY_CTX(ctx));
};

/** FETCH / MOVE / CLOSE: the cursor's query was decided when it was declared. */
export const visitCursorUse: NodeHandler = (node, _ctx, w) => {
  w.facts.cursor = true;
  w.facts.cursorName ??= asString(node.portalname);
};

export const visitVariableSet: NodeHandler = (node, _ctx, w, hinted) => {
  const name = (asString(node.name) ?? (node.kind === 'VAR_RESET_ALL' ? 'all' : '')).toLowerCase();
  if (!hinted) w.facts.setting ??= name;
  // The value (a role name, a path) is a literal the fingerprint ignores.
  w.facts.literalSensitive = true;
  inspectSetting(name, w);
};

export const visitVariableShow: NodeHandler = (node, _ctx, w) => {
  w.facts.setting ??= (asString(node.name) ?? '').toLowerCase();
};

/** DISCARD ALL includes SET SESSION AUTHORIZATION DEFAULT. */
export const visitDiscard: NodeHandler = (node, _ctx, w) => {
  if (node.target === 'DISCARD_ALL') w.facts.setsRole = true;
};

export const visitTransaction: NodeHandler = (node, _ctx, w) => {
  w.facts.transaction ??= transactionVerb(node);
};

/** DROP names its objects as lists of identifiers; the relation ones are written. */
export const visitDrop: NodeHandler = (node, ctx, w) => {
  const objectType = objectTypeName(node.removeType);
  for (const object of asArray(node.objects)) {
    const rel = relationOfObjectName(objectType, object);
    if (rel) w.addRelationName(rel.name, rel.qualified, 'write');
  }
  w.walkFields(node, { ...ctx, ddlTargets: true }, new Set(['objects']));
};

/** COMMENT ON / SECURITY LABEL ON an object: a relation (or its column, trigger, ...) is changed. */
export const visitObjectAnnotation: NodeHandler = (node, _ctx, w) => {
  const rel = relationOfObjectName(objectTypeName(node.objtype), node.object);
  if (rel) w.addRelationName(rel.name, rel.qualified, 'write');
};

/** A trigger attaches a function that will run on every matching change. */
export const visitCreateTrigger: NodeHandler = (node, ctx, w) => {
  w.addFunction(node.funcname);
  w.addRelation(node.constrrel, 'read');
  w.walkFields(node, { ...ctx, ddlTargets: true }, new Set(['funcname', 'constrrel']));
};

export const visitCreateEventTrigger: NodeHandler = (node, ctx, w) => {
  w.addFunction(node.funcname);
  w.walkFields(node, { ...ctx, ddlTargets: true }, new Set(['funcname']));
};

/** Statements that load code into the server. */
export function loadsCode(reason: string): NodeHandler {
  return (node: AstObject, ctx, w) => {
    w.facts.dynamicReasons.add(reason);
    w.walkFields(node, { ...ctx, ddlTargets: true });
  };
}
