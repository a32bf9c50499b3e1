import {
  type AstObject,
  asArray,
  asString,
  containsType,
  isObject,
  sameTree,
  stringNode,
  treeKey,
  unwrap,
} from './ast';
import type { SqlWhereInfo } from './types';

/**
 * Does a WHERE restrict rows? Conservative by design: anything that cannot depend on the row
 * (no column reference anywhere, e.g. `2 > 1`, `$1`, `now() > '2000-01-01'`, `EXISTS (SELECT 1)`)
 * either matches every row or none, so it counts as always true. Obvious tautologies over
 * columns (`x = x`, `x IS NULL OR x IS NOT NULL`, `x LIKE '%'`) count too.
 *
 * 'all'   — true for every row
 * 'const' — does not depend on the row, value unknown: may match every row
 * 'none'  — never true (a constant false)
 * 'some'  — depends on the row
 */
type Truth = 'all' | 'const' | 'none' | 'some';

interface Analysis {
  /** Set when the answer came from a literal's value (the fingerprint ignores those). */
  usedLiterals: boolean;
  /** Names the target table goes by in this statement (its alias, else its name). */
  readonly target: string | undefined;
}

const ROW_DEPENDENT = new Set(['ColumnRef', 'CurrentOfExpr']);

export function analyzeWhere(where: unknown, target?: string): { info: SqlWhereInfo; literalSensitive: boolean } {
  if (where === undefined || where === null)
    return { info: { present: false, alwaysTrue: true }, literalSensitive: false };
  const a: Analysis = { usedLiterals: false, target };
  const truth = truthOf(where, a);
  const alwaysTrue = truth === 'all' || truth === 'const';
  return { info: { present: true, alwaysTrue }, literalSensitive: a.usedLiterals };
}

/** Fallback for expressions we do not evaluate. */
function byRowDependence(node: unknown): Truth {
  return containsType(node, ROW_DEPENDENT) ? 'some' : 'const';
}

function truthOf(expr: unknown, a: Analysis): Truth {
  const u = unwrap(expr);
  if (!u) return 'some';
  const constant = constantBoolean(expr, a);
  if (constant !== undefined) return constant ? 'all' : 'none';
  switch (u.type) {
    case 'BoolExpr':
      return boolExprTruth(u.node, a);
    case 'A_Expr':
      return aExprTruth(u.node, a);
    case 'BooleanTest':
      return booleanTestTruth(u.node, a);
    case 'CurrentOfExpr':
      return 'some';
  }
  return byRowDependence(expr);
}

function boolExprTruth(node: AstObject, a: Analysis): Truth {
  const args = asArray(node.args);
  const truths = args.map((arg) => truthOf(arg, a));
  switch (node.boolop) {
    case 'AND_EXPR':
      if (truths.includes('none')) return 'none';
      if (truths.every((t) => t === 'all')) return 'all';
      return truths.every((t) => t === 'all' || t === 'const') ? 'const' : 'some';
    case 'OR_EXPR':
      if (truths.includes('all') || coversNulls(args)) return 'all';
      if (truths.includes('const')) return 'const';
      return truths.every((t) => t === 'none') ? 'none' : 'some';
    case 'NOT_EXPR':
      return NEGATION[truths[0] ?? 'some'];
  }
  return 'some';
}

const NEGATION: Readonly<Record<Truth, Truth>> = { all: 'none', none: 'all', const: 'const', some: 'some' };

/** `e IS NULL OR e IS NOT NULL` matches every row. Keyed, so a huge OR list stays linear. */
function coversNulls(args: readonly unknown[]): boolean {
  const isNull = new Set<string>();
  const notNull: string[] = [];
  for (const arg of args) {
    const u = unwrap(arg);
    if (u?.type !== 'NullTest') continue;
    const key = treeKey(u.node.arg);
    if (u.node.nulltesttype === 'IS_NULL') isNull.add(key);
    else if (u.node.nulltesttype === 'IS_NOT_NULL') notNull.push(key);
  }
  return notNull.some((key) => isNull.has(key));
}

const REFLEXIVE_TRUE = new Set(['=', '>=', '<=']);
const REFLEXIVE_FALSE = new Set(['<>', '!=', '<', '>']);

function aExprTruth(node: AstObject, a: Analysis): Truth {
  const op = operatorName(node);
  const kind = node.kind;
  if (kind === 'AEXPR_OP' && op !== undefined && sameOperand(node.lexpr, node.rexpr, a)) {
    if (REFLEXIVE_TRUE.has(op)) return 'all';
    if (REFLEXIVE_FALSE.has(op)) return 'none';
  }
  if (kind === 'AEXPR_NOT_DISTINCT' && sameOperand(node.lexpr, node.rexpr, a)) return 'all';
  if (kind === 'AEXPR_DISTINCT' && sameOperand(node.lexpr, node.rexpr, a)) return 'none';
  if ((kind === 'AEXPR_LIKE' || kind === 'AEXPR_ILIKE') && (op === '~~' || op === '~~*')) {
    const pattern = stringConstant(node.rexpr);
    if (pattern !== undefined) {
      a.usedLiterals = true;
      if (/^%+$/.test(pattern)) return 'all';
    }
  }
  return byRowDependence(node);
}

function booleanTestTruth(node: AstObject, a: Analysis): Truth {
  const inner = truthOf(node.arg, a);
  if (node.booltesttype === 'IS_TRUE' || node.booltesttype === 'IS_NOT_FALSE') return inner;
  return byRowDependence(node.arg);
}

function operatorName(node: AstObject): string | undefined {
  const parts = asArray(node.name).map(stringNode);
  return parts.length > 0 ? parts[parts.length - 1] : undefined;
}

/**
 * Both sides name the same value: identical trees, or the same column once with and once
 * without the target table's qualifier (`t.id = id` in `DELETE FROM t`). Another qualifier
 * (`id = u.id`, `id = OLD.id`) is a join or a parameter, not a tautology.
 */
function sameOperand(l: unknown, r: unknown, a: Analysis): boolean {
  if (sameTree(l, r)) return true;
  const lf = columnFields(l);
  const rf = columnFields(r);
  if (!lf || !rf || lf[lf.length - 1] !== rf[rf.length - 1]) return false;
  const qualified = lf.length === 1 ? rf : rf.length === 1 ? lf : undefined;
  return qualified?.length === 2 && a.target !== undefined && qualified[0] === a.target;
}

function columnFields(value: unknown): string[] | undefined {
  const u = unwrap(value);
  if (u?.type !== 'ColumnRef') return undefined;
  const fields = asArray(u.node.fields).map(stringNode);
  return fields.every((f): f is string => f !== undefined) ? fields : undefined;
}

// ---- constant folding of boolean literals --------------------------------------------------

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** PostgreSQL's boolin: case-insensitive, trims spaces, accepts unique prefixes (not of on/off). */
function parseBool(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  if (s === 'o') return undefined;
  if (TRUE_WORDS.some((w) => w.startsWith(s))) return true;
  if (FALSE_WORDS.some((w) => w.startsWith(s))) return false;
  return undefined;
}

interface Constant {
  kind: 'bool' | 'number' | 'string' | 'null';
  value: boolean | number | string | null;
}

function literal(value: unknown): Constant | undefined {
  const u = unwrap(value);
  if (u?.type === 'TypeCast') return castLiteral(u.node);
  if (u?.type !== 'A_Const') return undefined;
  const c = u.node;
  if (c.isnull === true) return { kind: 'null', value: null };
  if (isObject(c.boolval)) return { kind: 'bool', value: c.boolval.boolval === true };
  if (isObject(c.ival)) return { kind: 'number', value: typeof c.ival.ival === 'number' ? c.ival.ival : 0 };
  if (isObject(c.fval)) return { kind: 'number', value: Number(asString(c.fval.fval)) };
  if (isObject(c.sval)) return { kind: 'string', value: asString(c.sval.sval) ?? '' };
  return undefined;
}

function castLiteral(cast: AstObject): Constant | undefined {
  const inner = literal(cast.arg);
  const typeNames = isObject(cast.typeName) ? asArray(cast.typeName.names).map(stringNode) : [];
  const target = typeNames[typeNames.length - 1];
  if (!inner || (target !== 'bool' && target !== 'boolean')) return inner;
  if (inner.kind === 'string') {
    const b = parseBool(inner.value as string);
    return b === undefined ? undefined : { kind: 'bool', value: b };
  }
  if (inner.kind === 'number') return { kind: 'bool', value: inner.value !== 0 };
  return inner;
}

function stringConstant(value: unknown): string | undefined {
  const c = literal(value);
  return c?.kind === 'string' ? (c.value as string) : undefined;
}

/** Value of a boolean expression made only of literals, when we can be sure of it. */
function constantBoolean(expr: unknown, a: Analysis): boolean | undefined {
  const c = literal(expr);
  if (c) {
    a.usedLiterals = true;
    if (c.kind === 'bool') return c.value as boolean;
    if (c.kind === 'null') return false;
    // An untyped string literal in a WHERE is read as boolean: WHERE 'yes' is true.
    if (c.kind === 'string') return parseBool(c.value as string);
    return undefined;
  }
  const u = unwrap(expr);
  if (u?.type === 'A_Expr' && u.node.kind === 'AEXPR_OP') return compareLiterals(u.node, a);
  return undefined;
}

function compareLiterals(node: AstObject, a: Analysis): boolean | undefined {
  const l = literal(node.lexpr);
  const r = literal(node.rexpr);
  const op = operatorName(node);
  if (!l || !r || op === undefined) return undefined;
  a.usedLiterals = true;
  if (l.kind === 'null' || r.kind === 'null') return false;
  const pair = comparable(l, r);
  if (!pair) return undefined;
  return compare(op, pair[0], pair[1]);
}

/** Coerce like PostgreSQL would for the obvious cases: an untyped string takes the other side's type. */
function comparable(l: Constant, r: Constant): [number | string | boolean, number | string | boolean] | undefined {
  if (l.kind === r.kind) return [l.value as number | string | boolean, r.value as number | string | boolean];
  const num = (c: Constant): number | undefined =>
    c.kind === 'number'
      ? (c.value as number)
      : c.kind === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(c.value as string)
        ? Number(c.value)
        : undefined;
  const ln = num(l);
  const rn = num(r);
  if (ln !== undefined && rn !== undefined) return [ln, rn];
  const bool = (c: Constant): boolean | undefined =>
    c.kind === 'bool' ? (c.value as boolean) : c.kind === 'string' ? parseBool(c.value as string) : undefined;
  const lb = bool(l);
  const rb = bool(r);
  return lb !== undefined && rb !== undefined ? [lb, rb] : undefined;
}

function compare(op: string, l: number | string | boolean, r: number | string | boolean): boolean | undefined {
  switch (op) {
    case '=':
      return l === r;
    case '<>':
    case '!=':
      return l !== r;
  }
  // Ordering of strings depends on collation; only numbers are ordered here.
  if (typeof l !== 'number' || typeof r !== 'number') return undefined;
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    case '>=':
      return l >= r;
  }
  return undefined;
}
