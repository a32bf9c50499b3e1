import type { Part, Script, Word } from './shell-ast';

/** One argv word after expansion. `dynamic`: its run-time value is not known here. */
export interface Field {
  value: string;
  dynamic: boolean;
  /** Canonical spelling for fingerprints: literal runs JSON-quoted, expansions as rendered. */
  canon?: string;
}

/** What the shell knows at this point: literal values of variables assigned earlier in the same script. */
export interface ExpandScope {
  /** name → literal value, or null once assigned something unknown. */
  vars: Map<string, string | null>;
  /** Set once IFS was assigned: splitting of unquoted expansions is then unknown. */
  ifsChanged: boolean;
}

/** Side effects found while expanding: scripts that run (substitutions) and reasons the line is dynamic. */
export interface ExpandSink {
  scripts: Script[];
  reasons: string[];
  /** Renders a nested script for canonical output; absent → '…'. */
  render?: (s: Script) => string;
  /** Number of command substitutions met: their output becomes words nobody can predict. */
  cmdsubs?: number;
}

export class ExpansionError extends Error {}

/** Brace expansion can multiply words exponentially; beyond this we refuse rather than guess. */
const MAX_WORDS = 1024;
const SEQ_LIMIT = 256;

type Tok =
  | { c: string; special: boolean }
  | { dyn: string }
  /** Field break from an unquoted expansion being split on IFS. */
  | { sep: true };

/** Expands a word the way bash would build argv from it: may yield zero, one or many fields. */
export function expandWord(word: Word, scope: ExpandScope, sink: ExpandSink): Field[] {
  const toks: Tok[] = [];
  for (const p of word.parts) partToks(p, false, scope, sink, toks);
  // Brace expansion runs before parameter expansion, so `$a{1,2}` reads the variables a1 and
  // a2: the variable name depends on the braces, which we do not model. Known unknown.
  const glued = word.parts.some((p, k) => {
    const next = word.parts[k + 1];
    return p.t === 'param' && /^\$[A-Za-z_]/.test(p.raw) && next?.t === 'lit' && next.v.startsWith('{');
  });
  if (glued) return [{ value: word.raw, dynamic: true }];
  const out: Field[] = [];
  for (const alt of braceExpand(toks, { n: 0 })) out.push(...splitFields(alt));
  return out;
}

/** Assignment values and here-strings: no brace expansion and no field splitting. */
export function expandNoSplit(word: Word, scope: ExpandScope, sink: ExpandSink): Field {
  const toks: Tok[] = [];
  for (const p of word.parts) partToks(p, true, scope, sink, toks);
  const f = new FieldBuilder();
  for (const t of toks) if (!('sep' in t)) f.add(t);
  return f.done(false);
}

/**
 * Accumulates one field. The canonical form keeps expansions out of JSON strings: quoting
 * an already-quoted rendering at every nesting level would grow it exponentially.
 */
class FieldBuilder {
  private value = '';
  private dynamic = false;
  private canon = '';
  private run = '';
  private bracket = false;
  private glob = false;

  add(t: Exclude<Tok, { sep: true }>): void {
    if ('dyn' in t) {
      this.value += t.dyn;
      this.dynamic = true;
      this.flushRun();
      this.canon += t.dyn;
      return;
    }
    this.value += t.c;
    this.run += t.c;
    if (!t.special) return;
    if (t.c === '*' || t.c === '?') this.glob = true;
    // `[` alone (the test command) is literal; `[ab]x` is a pattern
    else if (t.c === '[') this.bracket = true;
    else if (t.c === ']' && this.bracket) this.glob = true;
  }

  private flushRun(): void {
    if (this.run) this.canon += JSON.stringify(this.run);
    this.run = '';
  }

  /** A glob's value is whatever files match: `/bin/r?` may well be `/bin/rm`. */
  done(globbing: boolean): Field {
    this.flushRun();
    const dynamic = this.dynamic || (globbing && this.glob);
    return { value: this.value, dynamic, canon: this.canon || '""' };
  }
}

function partToks(p: Part, quoted: boolean, scope: ExpandScope, sink: ExpandSink, out: Tok[]): void {
  switch (p.t) {
    case 'lit':
      for (const c of p.v) out.push({ c, special: !quoted });
      return;
    case 'sq':
      // '' still makes a (possibly empty) word
      if (!p.v) out.push({ c: '', special: false });
      for (const c of p.v) out.push({ c, special: false });
      return;
    case 'dq':
      if (!p.parts.length) out.push({ c: '', special: false });
      for (const q of p.parts) partToks(q, true, scope, sink, out);
      return;
    case 'param':
      return paramToks(p, quoted, scope, sink, out);
    case 'cmdsub':
      sink.scripts.push(p.body);
      sink.cmdsubs = (sink.cmdsubs ?? 0) + 1;
      out.push({ dyn: `$(${sink.render ? sink.render(p.body) : '…'})` });
      return;
    case 'procsub':
      sink.scripts.push(p.body);
      out.push({ dyn: `${p.op}(${sink.render ? sink.render(p.body) : '…'})` });
      return;
    case 'arith':
      return arithToks(p, scope, sink, out);
    case 'extglob':
      out.push({ dyn: p.raw });
      return;
  }
}

function arithToks(p: Extract<Part, { t: 'arith' }>, scope: ExpandScope, sink: ExpandSink, out: Tok[]): void {
  const inner: Tok[] = [];
  for (const q of p.nested) partToks(q, true, scope, sink, inner);
  const why = arithReason(p.raw, scope);
  if (why) sink.reasons.push(why);
  // a substitution inside keeps its spaces meaningful: show it elided instead
  const subst = p.nested.some((q) => q.t === 'cmdsub' || q.t === 'procsub');
  out.push({ dyn: !subst ? p.raw.replace(/\s+/g, '') : sink.render ? p.raw : '$((…))' });
}

function paramToks(
  p: Extract<Part, { t: 'param' }>,
  quoted: boolean,
  scope: ExpandScope,
  sink: ExpandSink,
  out: Tok[],
): void {
  for (const w of p.nested) expandNoSplit(w, scope, sink);
  // an indexed array's subscript is evaluated arithmetically: ${a[x]}
  const subscript = /^\$\{[^[]*\[(.*)\]/s.exec(p.raw);
  const why = subscript ? arithReason(subscript[1] as string, scope) : null;
  if (why) sink.reasons.push(why);
  if (p.mod === 'prompt') sink.reasons.push('prompt expansion ${…@P} runs substitutions held in a variable');
  const simple = p.raw === `$${p.name}` || p.raw === `\${${p.name}}`;
  if (p.name === 'IFS' && simple && !quoted && !scope.ifsChanged) {
    // With the default IFS, an unquoted $IFS is pure field splitting: `rm${IFS}-rf${IFS}/` is `rm -rf /`.
    sink.reasons.push('IFS expansion used to separate words');
    out.push({ sep: true });
    return;
  }
  const known = simple && !p.mod ? scope.vars.get(p.name) : undefined;
  if (typeof known !== 'string') {
    out.push({ dyn: simple ? `\${${p.name}}` : p.raw });
    return;
  }
  // A value assigned earlier in the same script: substitute it so that `a=rm; $a -rf /` still
  // shows `rm`, but keep the field marked dynamic because the assignment may not have run.
  if (quoted || scope.ifsChanged) {
    out.push({ dyn: '' });
    for (const c of known) out.push({ c, special: false });
    return;
  }
  if (/^[ \t\n]/.test(known)) out.push({ sep: true });
  const trimmed = known.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
  if (trimmed) {
    trimmed.split(/[ \t\n]+/).forEach((piece, idx) => {
      if (idx > 0) out.push({ sep: true });
      out.push({ dyn: '' });
      for (const c of piece) out.push({ c, special: false });
    });
    if (/[ \t\n]$/.test(known)) out.push({ sep: true });
  }
}

function splitFields(toks: Tok[]): Field[] {
  const out: Field[] = [];
  let cur: FieldBuilder | null = null;
  for (const t of toks) {
    if ('sep' in t) {
      if (cur) out.push(cur.done(true));
      cur = null;
      continue;
    }
    cur ??= new FieldBuilder();
    cur.add(t);
  }
  if (cur) out.push(cur.done(true));
  return out;
}

function isSpecial(t: Tok | undefined, c: string): boolean {
  return !!t && 'c' in t && t.special && t.c === c;
}

function braceExpand(toks: Tok[], budget: { n: number }): Tok[][] {
  for (let i = 0; i < toks.length; i++) {
    if (!isSpecial(toks[i], '{')) continue;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = i; j < toks.length; j++) {
      if (isSpecial(toks[j], '{')) depth++;
      else if (isSpecial(toks[j], '}') && --depth === 0) {
        close = j;
        break;
      } else if (depth === 1 && isSpecial(toks[j], ',')) commas.push(j);
    }
    // an unmatched `{` is plain text; bash goes on looking for a later pair
    if (close < 0) continue;
    const prefix = toks.slice(0, i);
    const suffix = toks.slice(close + 1);
    let alts: Tok[][] | null = null;
    if (commas.length) {
      alts = [];
      let from = i + 1;
      for (const c of [...commas, close]) {
        alts.push(toks.slice(from, c));
        from = c + 1;
      }
    } else alts = sequence(toks.slice(i + 1, close));
    if (!alts) continue;
    const out: Tok[][] = [];
    for (const alt of alts) {
      for (const r of braceExpand([...prefix, ...alt, ...suffix], budget)) {
        if (++budget.n > MAX_WORDS) throw new ExpansionError('brace expansion too large');
        out.push(r);
      }
    }
    return out;
  }
  return [toks];
}

/** `{1..5}`, `{01..10..3}`, `{a..e}`; null when the braces are not a sequence. */
function sequence(inner: Tok[]): Tok[][] | null {
  if (!inner.every((t) => 'c' in t)) return null;
  const text = inner.map((t) => ('c' in t ? t.c : '')).join('');
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  const chr = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  if (!num && !chr) return null;
  const m = (num ?? chr) as RegExpExecArray;
  const from = num ? parseInt(m[1] as string, 10) : (m[1] as string).charCodeAt(0);
  const to = num ? parseInt(m[2] as string, 10) : (m[2] as string).charCodeAt(0);
  const step = Math.abs(parseInt(m[3] ?? '1', 10)) || 1;
  if (Math.abs(to - from) / step > SEQ_LIMIT) throw new ExpansionError('brace sequence too large');
  const a = m[1] as string;
  const b = m[2] as string;
  const width = num && (/^-?0\d/.test(a) || /^-?0\d/.test(b)) ? Math.max(a.length, b.length) : 0;
  const out: Tok[][] = [];
  for (let v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
    const s = !num
      ? String.fromCharCode(v)
      : !width
        ? String(v)
        : v < 0
          ? `-${String(-v).padStart(width - 1, '0')}`
          : String(v).padStart(width, '0');
    out.push([...s].map((c) => ({ c, special: false })));
  }
  return out;
}

const SAFE_ARITH_VALUE = /^\s*[-+]?(0[xX][0-9a-fA-F]+|[0-9]+(#[0-9A-Za-z@_]+)?)\s*$/;

/**
 * Arithmetic evaluation expands variable values as expressions, recursively, and a value
 * like `a[$(rm -rf /)]` runs the substitution. A variable this script assigned something
 * other than a number (or something unknown, such as command output) is therefore code.
 */
export function arithReason(expr: string, scope: ExpandScope, depth = 0): string | null {
  for (const m of expr.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const name = m[0];
    if (!scope.vars.has(name)) continue;
    const v = scope.vars.get(name);
    if (v === null || v === undefined) return `arithmetic evaluates ${name}, whose value is computed at run time`;
    if (SAFE_ARITH_VALUE.test(v) || v === '') continue;
    if (/^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/.test(v) && depth < 8 && v.trim() !== name) {
      const inner = arithReason(v, scope, depth + 1);
      if (inner) return inner;
      continue;
    }
    return `arithmetic evaluates ${name}, which holds an expression`;
  }
  return null;
}

/** Every nested script in a word (substitutions), without building fields: for `case` patterns and the like. */
export function wordScripts(word: Word, sink: ExpandSink): void {
  expandNoSplit(word, { vars: new Map(), ifsChanged: false }, sink);
}

/** Scripts nested in arithmetic or other raw parts. */
export function partsScripts(parts: Part[], sink: ExpandSink): void {
  expandNoSplit({ parts, raw: '' }, { vars: new Map(), ifsChanged: false }, sink);
}
