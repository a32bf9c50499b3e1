import type { JsonPathSet } from './json-path';
import type { MaskStrategy } from './types';

/** Deeper documents are refused with an error instead of overflowing the stack mid-response. */
export const MAX_JSON_DEPTH = 1000;

export interface JsonMaskContext {
  /** Compiled jsonPath rules, or null when there are none (then no state is tracked at all). */
  paths: JsonPathSet | null;
  /** Detector masking of one string; returns the same string when nothing was found. */
  maskString(text: string): { value: string; masked: number };
  /** Whole-value replacement for a node a jsonPath selected. */
  maskWhole(value: unknown, strategy: MaskStrategy): unknown;
  /** The strictest of several strategies. */
  strictest(strategies: MaskStrategy[]): MaskStrategy;
}

const NO_STATE: readonly number[] = Object.freeze([]);

/**
 * Masks a parsed JSON document in place: nodes selected by a jsonPath are replaced whole, every
 * other string leaf (and object key) goes through the detectors. Long integers are checked too,
 * because a card number stored as a JSON number is still a card number.
 */
export function maskJsonDocument(doc: unknown, ctx: JsonMaskContext): { value: unknown; masked: number } {
  const acc = { masked: 0 };
  const value = walk(doc, ctx.paths ? ctx.paths.root() : NO_STATE, 0, ctx, acc);
  return { value, masked: acc.masked };
}

function walk(
  node: unknown,
  state: readonly number[],
  depth: number,
  ctx: JsonMaskContext,
  acc: { masked: number },
): unknown {
  if (depth > MAX_JSON_DEPTH) throw new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  // null carries nothing to hide, so a path that selects it leaves it (and the count) alone.
  if (ctx.paths !== null && state.length > 0 && node !== null) {
    const hits = ctx.paths.completed(state);
    if (hits.length > 0) {
      acc.masked++;
      return ctx.maskWhole(node, ctx.strictest(hits));
    }
  }
  if (typeof node === 'string') return leaf(node, ctx, acc);
  if (typeof node === 'number') return numberLeaf(node, ctx, acc);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child = childState(ctx, state, i, node.length);
      node[i] = walk(node[i], child, depth + 1, ctx, acc);
    }
    return node;
  }
  if (typeof node === 'object' && node !== null)
    return walkObject(node as Record<string, unknown>, state, depth, ctx, acc);
  return node;
}

function childState(
  ctx: JsonMaskContext,
  state: readonly number[],
  key: string | number,
  length: number,
): readonly number[] {
  return ctx.paths !== null && state.length > 0 ? ctx.paths.step(state, key, length) : NO_STATE;
}

function leaf(text: string, ctx: JsonMaskContext, acc: { masked: number }): string {
  const r = ctx.maskString(text);
  acc.masked += r.masked;
  return r.value;
}

function numberLeaf(n: number, ctx: JsonMaskContext, acc: { masked: number }): unknown {
  if (!Number.isInteger(n) || Math.abs(n) < 1e12) return n; // shorter than any card or phone
  const text = String(n);
  const r = ctx.maskString(text);
  if (r.masked === 0) return n;
  acc.masked += r.masked;
  return r.value;
}

function walkObject(
  obj: Record<string, unknown>,
  state: readonly number[],
  depth: number,
  ctx: JsonMaskContext,
  acc: { masked: number },
): Record<string, unknown> {
  const keys = Object.keys(obj);
  let renamed: Array<[string, unknown]> | null = null;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const child = childState(ctx, state, key, 0);
    const value = walk(obj[key], child, depth + 1, ctx, acc);
    const newKey = leaf(key, ctx, acc);
    if (newKey !== key && renamed === null) renamed = keys.slice(0, k).map((p) => [p, obj[p]]);
    if (renamed) renamed.push([newKey, value]);
    else setOwn(obj, key, value);
  }
  if (renamed) {
    for (const key of keys) delete obj[key];
    for (const [key, value] of renamed) setOwn(obj, uniqueKey(obj, key), value);
  }
  return obj;
}

/** Two keys masked to the same marker must not overwrite each other's values. */
function uniqueKey(obj: Record<string, unknown>, key: string): string {
  if (!Object.prototype.hasOwnProperty.call(obj, key)) return key;
  let n = 2;
  while (Object.prototype.hasOwnProperty.call(obj, `${key}#${n}`)) n++;
  return `${key}#${n}`;
}

/** Plain assignment of `__proto__` would replace the prototype; JSON.parse made it an own property. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else obj[key] = value;
}
