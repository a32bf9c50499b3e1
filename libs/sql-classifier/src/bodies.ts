import {
  type AstObject,
  asArray,
  asString,
  findDefElem,
  foldConstantString,
  isObject,
  nodeOfType,
  stringNode,
} from './ast';
import { SqlSyntaxError, SqlText, parsePlpgsql, parseStatements, scanTokens } from './parse';
import { inspectSetting } from './settings';
import type { NodeHandler, WalkContext, Walker } from './walker';

// DO blocks and CREATE FUNCTION/PROCEDURE bodies. They are always dynamic (the code runs now or
// later, with effects we only partly see), but what we can see inside is still reported, so a
// policy can deny `CREATE FUNCTION f() ... AS $$ DROP TABLE t $$` for the DROP it contains.

export const visitDo: NodeHandler = (node, ctx, w) => {
  w.facts.dynamicReasons.add('do-block');
  w.facts.literalSensitive = true; // the body is a string literal
  const language = defString(node.args, 'language') ?? 'plpgsql';
  if (language !== 'plpgsql') {
    w.facts.dynamicReasons.add(`unanalysable-body:${language}`);
    return;
  }
  analysePlpgsql(w.statementText(ctx, node), ctx, w);
};

export const visitCreateFunction: NodeHandler = (node, ctx, w) => {
  w.facts.dynamicReasons.add(node.is_procedure === true ? 'procedure-body' : 'function-body');
  w.facts.literalSensitive = true;
  const options = asArray(node.options);
  for (const option of options) {
    // `SET role = x` on a function switches role whenever it runs.
    const set = nodeOfType(nodeOfType(option, 'DefElem')?.arg, 'VariableSetStmt');
    if (set) inspectSetting(asString(set.name) ?? '', w);
  }
  // Parameter defaults are expressions that run at call time.
  w.walk(node.parameters, { ...ctx, ddlTargets: false });
  if (node.sql_body !== undefined) {
    w.walk(node.sql_body, { ...ctx, ddlTargets: false }); // BEGIN ATOMIC ... END / RETURN expr
    return;
  }
  const language = defString(options, 'language');
  const body = functionBody(options);
  if (language === 'sql' && body !== undefined) {
    if (!w.walkSqlText(body, ctx.depth + 1)) w.facts.dynamicReasons.add('unanalysable-body:sql');
  } else if (language === 'plpgsql') {
    analysePlpgsql(w.statementText(ctx, node), ctx, w);
  } else {
    w.facts.dynamicReasons.add(`unanalysable-body:${language ?? 'unknown'}`);
  }
};

function defString(list: unknown, name: string): string | undefined {
  const def = findDefElem(list, name);
  return def ? stringNode(def.arg) : undefined;
}

/** AS 'body' (a one-element list) — C functions have AS 'file', 'symbol' and no SQL body. */
function functionBody(options: readonly unknown[]): string | undefined {
  const arg = findDefElem(options, 'as')?.arg;
  const items = asArray(nodeOfType(arg, 'List')?.items);
  return items.length === 1 ? stringNode(items[0]) : stringNode(arg);
}

function analysePlpgsql(text: string | undefined, ctx: WalkContext, w: Walker): void {
  let tree: unknown;
  try {
    if (text === undefined) throw new SqlSyntaxError('no statement text');
    tree = parsePlpgsql(text);
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) throw err;
    w.facts.dynamicReasons.add('unanalysable-body:plpgsql');
    return;
  }
  const functions = asArray(isObject(tree) ? tree.plpgsql_funcs : undefined);
  if (functions.length === 0) w.facts.dynamicReasons.add('unanalysable-body:plpgsql');
  new PlpgsqlVisitor(w, ctx.depth + 1).visit(functions);
}

/** PL/pgSQL parse modes (PostgreSQL's RawParseMode) of the embedded SQL expressions. */
const MODE_STATEMENT = 0;
const MODE_EXPRESSION = 2;
const MODE_ASSIGN = new Set([3, 4, 5]);

/** Statements whose SQL is a computed string: EXECUTE, FOR ... IN EXECUTE, OPEN/RETURN QUERY EXECUTE. */
const DYNAMIC_FIELDS: ReadonlyMap<string, string> = new Map([
  ['PLpgSQL_stmt_dynexecute', 'query'],
  ['PLpgSQL_stmt_dynfors', 'query'],
  ['PLpgSQL_stmt_open', 'dynquery'],
  ['PLpgSQL_stmt_return_query', 'dynquery'],
]);

const TRANSACTION_CONTROL: ReadonlyMap<string, string> = new Map([
  ['PLpgSQL_stmt_commit', 'commit'],
  ['PLpgSQL_stmt_rollback', 'rollback'],
]);

/** Walks the PL/pgSQL tree; every embedded SQL expression is parsed and walked as SQL. */
class PlpgsqlVisitor {
  constructor(
    private readonly w: Walker,
    private readonly depth: number,
  ) {}

  visit(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const dynamicField = DYNAMIC_FIELDS.get(key);
      const verb = TRANSACTION_CONTROL.get(key);
      if (key === 'PLpgSQL_expr' && isObject(child)) this.expression(child, false);
      else if (dynamicField !== undefined && isObject(child)) this.dynamicStatement(child, dynamicField);
      else if (verb !== undefined) this.w.facts.commands.add(verb);
      else this.visit(child);
    }
  }

  private dynamicStatement(stmt: AstObject, field: string): void {
    const expr = nodeOfType(stmt[field], 'PLpgSQL_expr');
    if (expr) this.expression(expr, true);
    for (const [key, child] of Object.entries(stmt)) if (key !== field) this.visit(child);
  }

  private expression(expr: AstObject, dynamic: boolean): void {
    const query = asString(expr.query);
    if (query === undefined) return;
    const mode = typeof expr.parseMode === 'number' ? expr.parseMode : MODE_STATEMENT;
    if (dynamic) this.dynamicSql(query);
    else if (mode === MODE_STATEMENT) this.sql(query);
    else if (mode === MODE_EXPRESSION) this.sql(`SELECT ${query}`);
    else if (MODE_ASSIGN.has(mode)) this.assignment(query);
    else this.unanalysable();
  }

  private sql(text: string): void {
    if (!this.w.walkSqlText(text, this.depth)) this.unanalysable();
  }

  private unanalysable(): void {
    this.w.facts.dynamicReasons.add('unanalysable-body:plpgsql');
  }

  /** EXECUTE of a constant string is ordinary SQL; of anything computed, we cannot know. */
  private dynamicSql(expression: string): void {
    const constant = constantExpression(expression);
    if (constant !== undefined) {
      if (!this.w.walkSqlText(constant, this.depth)) this.w.facts.dynamicReasons.add('unanalysable-execute');
      return;
    }
    this.w.facts.dynamicReasons.add('execute-nonconstant');
    this.sql(`SELECT ${expression}`); // still report format(), decode(), ... used to build it
  }

  /** `target := expression`: both sides may call functions (subscripts included). */
  private assignment(query: string): void {
    const split = splitAssignment(query);
    if (!split) return this.unanalysable();
    this.sql(`SELECT ${split.value}`);
    if (/[[(]/.test(split.target)) this.sql(`SELECT ${split.target}`);
  }
}

function constantExpression(expression: string): string | undefined {
  let statements;
  try {
    statements = parseStatements(`SELECT ${expression}`);
  } catch {
    return undefined;
  }
  const select = statements.length === 1 ? nodeOfType(statements[0].stmt, 'SelectStmt') : undefined;
  if (!select || Object.keys(select).some((k) => !SIMPLE_SELECT_FIELDS.has(k))) return undefined;
  const targets = asArray(select.targetList);
  if (targets.length !== 1) return undefined;
  return foldConstantString(nodeOfType(targets[0], 'ResTarget')?.val);
}

const SIMPLE_SELECT_FIELDS = new Set(['targetList', 'limitOption', 'op']);

/** Splits at the first top-level `:=` or `=` using the SQL scanner (so strings stay intact). */
function splitAssignment(query: string): { target: string; value: string } | undefined {
  let tokens;
  try {
    tokens = scanTokens(query);
  } catch {
    return undefined;
  }
  const text = new SqlText(query);
  let depth = 0;
  for (const token of tokens) {
    if (token.text === '(' || token.text === '[') depth++;
    else if (token.text === ')' || token.text === ']') depth--;
    else if (depth === 0 && (token.text === ':=' || token.text === '=')) {
      return { target: text.slice(0, token.start), value: text.slice(token.end) };
    }
  }
  return undefined;
}
