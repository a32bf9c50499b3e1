import type { MaskStrategy } from './types';

/** One step of a path: a member name, an array index, or any child; `descend` allows any depth first. */
export interface PathStep {
  descend: boolean;
  name?: string;
  index?: number;
}

const NAME = /^[A-Za-z_$][\w$-]*/;

function fail(path: string, why: string): never {
  throw new Error(`masking jsonPath ${JSON.stringify(path)}: ${why}`);
}

/** Reads `['name']`, `["name"]`, `[3]`, `[-1]` or `[*]` at i; returns the step and where it ends. */
function parseBracket(path: string, i: number, descend: boolean): [PathStep, number] {
  const close = (end: number): number => {
    if (path[end] !== ']') fail(path, `expected ] at ${end}`);
    return end + 1;
  };
  const q = path[i + 1];
  if (q === '*') return [{ descend }, close(i + 2)];
  if (q === "'" || q === '"') {
    let name = '';
    let j = i + 2;
    for (; j < path.length && path[j] !== q; j++) name += path[j] === '\\' ? path[++j] : path[j];
    if (j >= path.length) fail(path, 'unterminated quoted name');
    return [{ descend, name }, close(j + 1)];
  }
  const m = /^-?\d+/.exec(path.slice(i + 1));
  if (!m) fail(path, `unsupported selector at ${i} (names, indexes and * only; no filters or slices)`);
  return [{ descend, index: Number(m[0]) }, close(i + 1 + m[0].length)];
}

/**
 * The JSONPath subset masking rules need: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`, and `..`
 * (recursive descent) before any of them. Anything else is rejected when the policy loads rather
 * than silently matching nothing.
 */
export function parseJsonPath(path: string): PathStep[] {
  if (path[0] !== '$') fail(path, 'must start with $');
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    let descend = false;
    if (path.startsWith('..', i)) {
      descend = true;
      i += 2;
    } else if (path[i] === '.') i += 1;
    else if (path[i] !== '[') fail(path, `unexpected ${JSON.stringify(path[i])} at ${i}`);
    if (path[i] === '[') {
      const [step, next] = parseBracket(path, i, descend);
      steps.push(step);
      i = next;
    } else if (path[i] === '*') {
      steps.push({ descend });
      i += 1;
    } else {
      const m = NAME.exec(path.slice(i));
      if (!m) fail(path, `expected a member name at ${i}`);
      steps.push({ descend, name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function selects(step: PathStep, key: string | number, arrayLength: number): boolean {
  if (step.name !== undefined) return typeof key === 'string' && key === step.name;
  if (step.index !== undefined) {
    if (typeof key !== 'number') return false;
    return step.index < 0 ? key === arrayLength + step.index : key === step.index;
  }
  return true;
}

/** Adds a position once: nested `..` steps would otherwise multiply the state at every level. */
function add(state: number[], p: number, i: number): void {
  for (let k = 0; k < state.length; k += 2) if (state[k] === p && state[k + 1] === i) return;
  state.push(p, i);
}

/**
 * Several paths matched in one walk of the document: a state is the list of (path, step) positions
 * still alive at a node, so each node is visited once however many rules there are.
 */
export class JsonPathSet {
  private readonly paths: ReadonlyArray<{ steps: PathStep[]; strategy: MaskStrategy }>;

  constructor(rules: ReadonlyArray<{ path: string; strategy: MaskStrategy }>) {
    this.paths = rules.map((r) => ({ steps: parseJsonPath(r.path), strategy: r.strategy }));
  }

  get size(): number {
    return this.paths.length;
  }

  /** Positions at the root: every path at its first step. Encoded as pairs [path, step, ...]. */
  root(): number[] {
    const s: number[] = [];
    for (let p = 0; p < this.paths.length; p++) s.push(p, 0);
    return s;
  }

  /** The strategies of the paths that end at a node in this state, the caller picks the strictest. */
  completed(state: readonly number[]): MaskStrategy[] {
    const done: MaskStrategy[] = [];
    for (let k = 0; k < state.length; k += 2) {
      const path = this.paths[state[k]];
      if (state[k + 1] === path.steps.length) done.push(path.strategy);
    }
    return done;
  }

  /** The state at child key (member name or array index) of a node in state. */
  step(state: readonly number[], key: string | number, arrayLength: number): number[] {
    const next: number[] = [];
    for (let k = 0; k < state.length; k += 2) {
      const p = state[k];
      const i = state[k + 1];
      const step = this.paths[p].steps[i];
      if (step === undefined) continue;
      if (step.descend) add(next, p, i); // `..` may still match deeper
      if (selects(step, key, arrayLength)) add(next, p, i + 1);
    }
    return next;
  }
}
