import { type AstObject, isObject, unwrap } from './ast';
import { StatementFacts } from './facts';
import { functionName, relationName } from './names';
import { functionRisk } from './functions';
import { type RawStatement, SqlSyntaxError, SqlText, parseStatements } from './parse';
import { verbsFor } from './statement-kinds';

/** Where the walk is, as far as the meaning of a node depends on its surroundings. */
export interface WalkContext {
  /** CTE names visible here: an unqualified FROM item with such a name is not a table. */
  readonly ctes: ReadonlySet<string>;
  /**
   * RangeVars reached here name objects being changed (DDL targets). Statements that are not
   * queries set this; a nested query turns it off, so DDL defaults to "written" and only
   * queries read.
   */
  readonly ddlTargets: boolean;
  /** Directly under INSERT: a bare VALUES list is not a SELECT. */
  readonly insertSource: boolean;
  /** How many SQL strings deep we are (DO bodies, function bodies, EXECUTE of constants). */
  readonly depth: number;
  readonly statement: StatementSource;
}

export interface StatementSource {
  readonly text: SqlText;
  readonly start: number;
  readonly length: number | undefined;
  /** The top-level node of the statement, to slice its own text (DO / CREATE FUNCTION). */
  readonly node: AstObject | undefined;
}

export type NodeHandler = (node: AstObject, ctx: WalkContext, w: Walker, hinted: boolean) => void;

/** Fields that hold a node without its type wrapper; everything else is wrapped or a RangeVar. */
const FIELD_HINTS: ReadonlyMap<string, string> = new Map([
  ['intoClause', 'IntoClause'],
  ['into', 'IntoClause'],
  ['larg', 'SelectStmt'],
  ['rarg', 'SelectStmt'],
  ['setstmt', 'VariableSetStmt'],
  ['funccall', 'FuncCall'],
]);

/** Nested SQL strings (bodies inside bodies, EXECUTE of constants) beyond this are not analysed. */
export const MAX_SQL_NESTING = 8;
/** JSON nesting guard; the parser itself refuses much deeper input. */
const MAX_TREE_DEPTH = 4000;

export class TreeTooDeepError extends Error {
  constructor() {
    super('statement is nested too deeply to classify');
  }
}

const NO_CTES: ReadonlySet<string> = new Set();

export function rootContext(raw: RawStatement, text: SqlText, depth: number): WalkContext {
  return {
    ctes: NO_CTES,
    ddlTargets: false,
    insertSource: false,
    depth,
    statement: { text, start: raw.start, length: raw.length, node: unwrap(raw.stmt)?.node },
  };
}

export class Walker {
  private level = 0;

  constructor(
    readonly facts: StatementFacts,
    private readonly handlers: ReadonlyMap<string, NodeHandler>,
  ) {}

  /** A walker over the same handlers that records into separate facts. */
  fork(): Walker {
    return new Walker(new StatementFacts(), this.handlers);
  }

  walk(value: unknown, ctx: WalkContext, hint?: string): void {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, ctx);
      return;
    }
    if (!isObject(value)) return;
    if (++this.level > MAX_TREE_DEPTH) throw new TreeTooDeepError();
    try {
      const wrapped = unwrap(value);
      if (wrapped) this.visit(wrapped.type, wrapped.node, ctx, false);
      else if (hint !== undefined) this.visit(hint, value, ctx, true);
      else if (typeof value.relname === 'string') this.visit('RangeVar', value, ctx, true);
      else this.walkFields(value, ctx);
    } finally {
      this.level--;
    }
  }

  walkFields(node: AstObject, ctx: WalkContext, skip?: ReadonlySet<string>): void {
    // for-in rather than Object.entries: this loop runs for every node of every statement.
    for (const key in node) {
      const child = node[key];
      if (typeof child !== 'object' || child === null || skip?.has(key)) continue;
      this.walk(child, ctx, FIELD_HINTS.get(key));
    }
  }

  private visit(type: string, node: AstObject, ctx: WalkContext, hinted: boolean): void {
    // SELECT decides its own verb (VALUES under INSERT is none); a SET clause of ALTER ROLE /
    // ALTER SYSTEM / CREATE FUNCTION is not itself a SET statement.
    const isStatement = type.endsWith('Stmt') && type !== 'SelectStmt' && !(hinted && type === 'VariableSetStmt');
    if (isStatement) this.facts.addCommands(verbsFor(type, node));
    const handler = this.handlers.get(type);
    if (handler) handler(node, ctx, this, hinted);
    else this.walkFields(node, isStatement ? { ...ctx, ddlTargets: true } : ctx);
  }

  addRelation(rangeVar: unknown, mode: 'read' | 'write'): void {
    if (!isObject(rangeVar)) return;
    const rel = relationName(rangeVar);
    if (rel) this.addRelationName(rel.name, rel.qualified, mode);
  }

  addRelationName(name: string, qualified: boolean, mode: 'read' | 'write'): void {
    (mode === 'read' ? this.facts.relationsRead : this.facts.relationsWritten).add(name);
    if (!qualified) this.facts.unqualifiedRelations = true;
  }

  /** Records a function that is called (or attached to run later, e.g. by a trigger). */
  addFunction(funcname: unknown): { name: string; base: string; schema?: string } | undefined {
    const fn = functionName(funcname);
    if (!fn) return undefined;
    this.facts.functions.add(fn.name);
    if (functionRisk(fn.base, fn.schema) !== undefined) this.facts.dangerousFunctions.add(fn.name);
    return fn;
  }

  /**
   * Parses SQL found inside the statement (a body, a constant EXECUTE string) and walks it
   * into the same facts. Returns false when it does not parse.
   */
  walkSqlText(sql: string, depth: number): boolean {
    if (depth > MAX_SQL_NESTING) {
      this.facts.dynamicReasons.add('nesting-too-deep');
      return true;
    }
    if (sql.includes('\0')) return false;
    let statements: RawStatement[];
    try {
      statements = parseStatements(sql);
    } catch (err) {
      if (err instanceof SqlSyntaxError) return false;
      throw err;
    }
    const text = new SqlText(sql);
    for (const raw of statements) this.walk(raw.stmt, rootContext(raw, text, depth));
    return true;
  }

  /** Text of the statement whose top-level node this is; undefined for a nested node. */
  statementText(ctx: WalkContext, node: AstObject): string | undefined {
    const s = ctx.statement;
    return s.node === node ? s.text.slice(s.start, s.length) : undefined;
  }
}
