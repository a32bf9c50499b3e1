import { decodeAnsiC } from './shell-ansi-c';
import type { Part, Redir, Script, Word } from './shell-ast';
import { ShellLimitError, ShellSyntaxError } from './shell-errors';

export { ShellLimitError, ShellSyntaxError } from './shell-errors';

/** Backticks / here-doc bodies (separately parsed sources) nested deeper than this are refused. */
export const MAX_NESTING = 24;
/** Words plus statements in one source: bounds the work a 64 KiB line can cause. */
const MAX_NODES = 4096;

const META = ' \t\n;&|<>()';
const PARAM_SPECIAL = '@*#?-$!0123456789';

export interface PendingHeredoc {
  redir: Redir;
  delim: string;
  strip: boolean;
  quoted: boolean;
}

/**
 * Word-level lexing of bash: quoting, escapes and every kind of expansion. The grammar
 * (shell-parse.ts) extends this; command substitutions call back into it so that `)`
 * inside case patterns, comments and nested quotes are handled by the real grammar
 * rather than by bracket counting.
 */
export abstract class WordLexer {
  protected i = 0;
  protected pending: PendingHeredoc[] = [];
  private nodes = 0;

  constructor(
    protected readonly s: string,
    protected readonly depth: number,
  ) {
    if (depth > MAX_NESTING) throw new ShellLimitError('nesting too deep');
  }

  protected count(): void {
    if (++this.nodes > MAX_NODES) throw new ShellLimitError(`command too complex (more than ${MAX_NODES} words)`);
  }

  /** Parses a statement list up to and including the closing ')'. */
  protected abstract parseUntilParen(): Script;
  /** Parses an independent piece of source (backtick body) one level deeper. */
  protected abstract parseNested(src: string): Script;

  protected err(msg: string): never {
    throw new ShellSyntaxError(`${msg} at offset ${this.i}`);
  }

  protected at(str: string): boolean {
    return this.s.startsWith(str, this.i);
  }

  /** Reads one word in command context; null when the next character is an operator or blank. */
  protected readWord(regex = false): Word | null {
    const start = this.i;
    const parts: Part[] = [];
    let lit = '';
    let parens = 0;
    const flush = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit });
      lit = '';
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      const n = this.s[this.i + 1];
      if (regex) {
        // `[[ x =~ (a|b) ]]`: parens and bars are part of the pattern, blanks end it.
        if (c === '(') parens++;
        else if (c === ')' && parens > 0) parens--;
        else if (parens === 0 && ' \t\n;&)'.includes(c)) break;
        if ('()|<>'.includes(c)) {
          lit += c;
          this.i++;
          continue;
        }
      } else {
        if ((c === '<' || c === '>') && n === '(') {
          flush();
          parts.push(this.readProcSubst());
          continue;
        }
        if (META.includes(c)) break;
        if ('?*+@!'.includes(c) && n === '(') {
          flush();
          parts.push(this.readExtglob());
          continue;
        }
      }
      if (this.lexQuotedOrExpansion(parts, flush, false)) continue;
      lit += c;
      this.i++;
    }
    flush();
    if (this.i === start) return null;
    this.count();
    return { parts, raw: this.s.slice(start, this.i) };
  }

  /**
   * Handles quote characters, backslash, `$` and backtick at the cursor. Returns false
   * when the character is plain text for the caller to take.
   */
  protected lexQuotedOrExpansion(parts: Part[], flush: () => void, inDq: boolean): boolean {
    const c = this.s[this.i];
    if (c === "'") {
      flush();
      parts.push(this.readSingle());
      return true;
    }
    if (c === '"') {
      flush();
      parts.push(this.readDouble());
      return true;
    }
    if (c === '\\') {
      const n = this.s[this.i + 1];
      if (n === undefined) return false;
      this.i += 2;
      if (n === '\n') return true;
      flush();
      parts.push({ t: 'sq', v: n });
      return true;
    }
    if (c === '$') {
      const p = this.readDollar(inDq);
      if (!p) return false;
      flush();
      parts.push(p);
      return true;
    }
    if (c === '`') {
      flush();
      parts.push(this.readBacktick(inDq));
      return true;
    }
    return false;
  }

  private readSingle(): Part {
    const end = this.s.indexOf("'", this.i + 1);
    if (end < 0) this.err('unterminated single quote');
    const v = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return { t: 'sq', v };
  }

  private readDouble(): Part {
    this.i++;
    const parts: Part[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit });
      lit = '';
    };
    for (;;) {
      if (this.i >= this.s.length) this.err('unterminated double quote');
      const c = this.s[this.i];
      if (c === '"') break;
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n !== undefined && '$`"\\\n'.includes(n)) {
          if (n !== '\n') lit += n;
          this.i += 2;
          continue;
        }
        lit += c;
        this.i++;
        continue;
      }
      if ((c === '$' || c === '`') && this.lexQuotedOrExpansion(parts, flush, true)) continue;
      lit += c;
      this.i++;
    }
    this.i++;
    flush();
    return { t: 'dq', parts };
  }

  /** Index after any `\<newline>` at j: bash deletes them before it reads an expansion. */
  private pastContinuations(j: number): number {
    while (this.s[j] === '\\' && this.s[j + 1] === '\n') j += 2;
    return j;
  }

  /** A variable name starting at j, with line continuations inside it removed (`$I\<NL>FS` is $IFS). */
  private readName(j: number): { name: string; end: number } {
    let name = '';
    for (;;) {
      const k = this.pastContinuations(j);
      const ch = this.s[k];
      if (ch === undefined || !(name ? /[A-Za-z0-9_]/ : /[A-Za-z_]/).test(ch)) return { name, end: name ? j : k };
      name += ch;
      j = k + 1;
    }
  }

  private raw(start: number): string {
    return this.s.slice(start, this.i).replace(/\\\n/g, '');
  }

  private readDollar(inDq: boolean): Part | null {
    const start = this.i;
    const at = this.pastContinuations(this.i + 1);
    const n = this.s[at];
    if ((n === "'" || n === '"') && !inDq) {
      this.i = at;
      return n === "'" ? { t: 'sq', v: this.readAnsiC() } : this.readDouble();
    }
    if (n === '(' || n === '[') {
      const arith = n === '[' || this.s[at + 1] === '(';
      this.i = at + (n === '(' && arith ? 2 : 1);
      if (!arith) return { t: 'cmdsub', body: this.parseUntilParen(), raw: this.s.slice(start, this.i) };
      const nested = this.readArith(n === '[' ? ']' : '))');
      return { t: 'arith', raw: this.s.slice(start, this.i), nested };
    }
    if (n === '{') {
      this.i = at;
      return this.readBraceParam(start);
    }
    const { name, end } = this.readName(at);
    if (name) {
      this.i = end;
      return { t: 'param', name, raw: this.raw(start), nested: [] };
    }
    if (n !== undefined && PARAM_SPECIAL.includes(n)) {
      this.i = at + 1;
      return { t: 'param', name: n, raw: this.raw(start), nested: [] };
    }
    return null;
  }

  /** `${…}` with the cursor on the brace; `start` is the `$`. */
  private readBraceParam(start: number): Part {
    this.i++;
    let prefix = '';
    const c = this.s[this.i];
    if (
      (c === '#' || c === '!') &&
      /[A-Za-z_0-9@*#?$!-]/.test(this.s[this.i + 1] ?? '') &&
      this.s[this.i + 1] !== '}'
    ) {
      prefix = c;
      this.i++;
    }
    const named = this.readName(this.i);
    const m = /[0-9]+|[@*#?$!0-]/y;
    m.lastIndex = this.i;
    const hit = named.name ? null : m.exec(this.s);
    if (!named.name && !hit) this.err('invalid parameter name');
    const name = named.name || (hit as RegExpExecArray)[0];
    this.i = named.name ? named.end : this.i + name.length;
    const rest = this.readUntilBrace();
    const nested = rest.parts.some((p) => p.t !== 'lit' && p.t !== 'sq') ? [rest] : [];
    const raw = this.raw(start);
    if (/^@P$/.test(rest.raw.replace(/^\[[^\]]*\]/, ''))) return { t: 'param', name, raw, nested, mod: 'prompt' };
    if (prefix === '!') return { t: 'param', name, raw, nested, mod: 'indirect' };
    return { t: 'param', name, raw, nested };
  }

  /** The operator/argument tail of `${…}` up to the matching brace. */
  private readUntilBrace(): Word {
    const start = this.i;
    const parts: Part[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit });
      lit = '';
    };
    for (;;) {
      if (this.i >= this.s.length) this.err('unterminated ${');
      const c = this.s[this.i];
      if (c === '}') break;
      if (this.lexQuotedOrExpansion(parts, flush, false)) continue;
      lit += c;
      this.i++;
    }
    const raw = this.s.slice(start, this.i);
    this.i++;
    flush();
    return { parts, raw };
  }

  /** Arithmetic text up to `end` at paren depth 0, keeping any expansions inside it. */
  protected readArith(end: string): Part[] {
    const nested: Part[] = [];
    let depth = 0;
    const noop = (): void => undefined;
    for (;;) {
      if (this.i >= this.s.length) this.err('unterminated arithmetic expression');
      if (depth === 0 && this.at(end)) {
        this.i += end.length;
        return nested;
      }
      const c = this.s[this.i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (--depth < 0) this.err('unbalanced ) in arithmetic');
      } else if (c === '\n' && this.pending.length) this.err('here-document inside arithmetic');
      if (this.lexQuotedOrExpansion(nested, noop, true)) continue;
      this.i++;
    }
  }

  private readBacktick(inDq: boolean): Part {
    const start = this.i;
    this.i++;
    let body = '';
    for (;;) {
      if (this.i >= this.s.length) this.err('unterminated backquote');
      const c = this.s[this.i];
      if (c === '`') break;
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (n !== undefined && ('$`\\'.includes(n) || (inDq && n === '"'))) {
          body += n;
          this.i += 2;
          continue;
        }
      }
      body += c;
      this.i++;
    }
    this.i++;
    return { t: 'cmdsub', body: this.parseNested(body), raw: this.s.slice(start, this.i) };
  }

  private readProcSubst(): Part {
    const start = this.i;
    const op = this.s[this.i] as '<' | '>';
    this.i += 2;
    const body = this.parseUntilParen();
    return { t: 'procsub', op, body, raw: this.s.slice(start, this.i) };
  }

  private readExtglob(): Part {
    const start = this.i;
    this.i += 2;
    let depth = 1;
    while (depth > 0) {
      if (this.i >= this.s.length) this.err('unterminated extended glob');
      const c = this.s[this.i];
      if (c === '\\') this.i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      this.i++;
    }
    return { t: 'extglob', raw: this.s.slice(start, this.i) };
  }

  private readAnsiC(): string {
    const { value, end } = decodeAnsiC(this.s, this.i);
    this.i = end;
    return value;
  }
}
