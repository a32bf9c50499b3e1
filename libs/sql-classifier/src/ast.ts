// The parser's JSON is walked generically (every field, every list) so that nothing nested
// escapes; these helpers read it without trusting its shape.

export type AstObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is AstObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A wrapped node is `{ TypeName: { ...fields } }`. Field names start lower-case and type names
 * upper-case, so a single upper-case key identifies the wrapper.
 */
export function unwrap(value: unknown): { type: string; node: AstObject } | undefined {
  if (!isObject(value)) return undefined;
  let type: string | undefined;
  for (const key in value) {
    if (type !== undefined) return undefined; // more than one key: not a wrapper
    type = key;
  }
  if (type === undefined) return undefined;
  const first = type.charCodeAt(0);
  if (first < 65 || first > 90) return undefined;
  const node = value[type];
  return isObject(node) ? { type, node } : undefined;
}

export function nodeOfType(value: unknown, type: string): AstObject | undefined {
  const u = unwrap(value);
  return u && u.type === type ? u.node : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `{ String: { sval } }` → sval (protobuf JSON omits empty strings). */
export function stringNode(value: unknown): string | undefined {
  const node = nodeOfType(value, 'String');
  if (!node) return undefined;
  return asString(node.sval) ?? '';
}

/** A list of String nodes (qualified names) → its parts; undefined if any part is not a String. */
export function stringList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value : asArray(nodeOfType(value, 'List')?.items);
  const parts: string[] = [];
  for (const item of items) {
    const s = stringNode(item);
    if (s === undefined) return undefined;
    parts.push(s);
  }
  return parts.length > 0 ? parts : undefined;
}

/** DefElem list lookup: the DefElem with this defname, if any. */
export function findDefElem(list: unknown, name: string): AstObject | undefined {
  for (const item of asArray(list)) {
    const def = nodeOfType(item, 'DefElem');
    if (def && def.defname === name) return def;
  }
  return undefined;
}

/** Whether the subtree contains a node of one of these types. */
export function containsType(value: unknown, types: ReadonlySet<string>): boolean {
  if (Array.isArray(value)) return value.some((v) => containsType(v, types));
  if (!isObject(value)) return false;
  for (const [key, child] of Object.entries(value)) {
    if (types.has(key) && isObject(child)) return true;
    if (typeof child === 'object' && child !== null && containsType(child, types)) return true;
  }
  return false;
}

/** A string that is equal for structurally equal trees (source positions ignored). */
export function treeKey(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'location' ? undefined : v)) ?? '';
}

/** Structural equality ignoring source positions. */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameTree(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== 'location');
  const kb = Object.keys(b).filter((k) => k !== 'location');
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameTree(a[k], b[k]));
}

/**
 * Value of a string-valued constant expression: a literal ('...', E'...', $$...$$, U&'...'),
 * a cast of one, or a concatenation of such. Anything else (a variable, format(), decode(), ...)
 * is not constant and yields undefined.
 */
export function foldConstantString(value: unknown): string | undefined {
  const u = unwrap(value);
  if (!u) return undefined;
  if (u.type === 'A_Const') return isObject(u.node.sval) ? (asString(u.node.sval.sval) ?? '') : undefined;
  if (u.type === 'TypeCast') return foldConstantString(u.node.arg);
  if (u.type === 'A_Expr' && u.node.kind === 'AEXPR_OP' && asArray(u.node.name).map(stringNode).join('.') === '||') {
    const left = foldConstantString(u.node.lexpr);
    const right = left === undefined ? undefined : foldConstantString(u.node.rexpr);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}
