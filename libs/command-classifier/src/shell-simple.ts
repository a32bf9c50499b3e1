import type { Assign, Command, Redir, Word } from './shell-ast';
import { HeredocLexer } from './shell-heredoc';

const RESERVED =
  /(?:if|then|elif|else|fi|while|until|do|done|for|select|in|case|esac|function|time|coproc|\{|\}|!|\[\[)(?=[ \t\n;&|<>()]|$)/y;
const REDIR = /(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/y;
const ASSIGN = /([A-Za-z_][A-Za-z0-9_]*)(\[[^\]$`]*\])?\+?=/y;

/** Blanks, comments, reserved-word lookahead, redirections and simple commands. */
export abstract class SimpleCommandParser extends HeredocLexer {
  /** Parses `name() body` once the name and parentheses are read. */
  protected abstract funcBody(name: string): Command;

  protected skipBlanks(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  protected skipComment(): void {
    if (this.s[this.i] !== '#') return;
    const nl = this.s.indexOf('\n', this.i);
    this.i = nl < 0 ? this.s.length : nl;
  }

  protected skipLinebreaks(): void {
    for (;;) {
      this.skipBlanks();
      this.skipComment();
      if (this.s[this.i] !== '\n') return;
      this.newline();
    }
  }

  protected reserved(): string | null {
    RESERVED.lastIndex = this.i;
    const m = RESERVED.exec(this.s);
    return m ? m[0] : null;
  }

  protected expectKw(kw: string): void {
    this.skipLinebreaks();
    if (this.reserved() !== kw) this.err(`expected '${kw}'`);
    this.i += kw.length;
  }

  // ---- lists -----------------------------------------------------------------

  protected emptyParens(): void {
    this.i++;
    this.skipBlanks();
    if (this.s[this.i] !== ')') this.err("expected ')' in function definition");
    this.i++;
  }

  protected redirs(): Redir[] {
    const out: Redir[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirect();
      if (!r) return out;
      out.push(r);
    }
  }

  protected tryRedirect(): Redir | null {
    REDIR.lastIndex = this.i;
    const m = REDIR.exec(this.s);
    if (!m) return null;
    const op = m[2] as string;
    // `<(…)` / `>(…)` is process substitution, a word
    if ((op === '<' || op === '>') && this.s[this.i + m[0].length] === '(') return null;
    this.i += m[0].length;
    this.skipBlanks();
    const target = this.readWord();
    if (!target) this.err(`expected a target after '${op}'`);
    const redir: Redir = { op: m[0], fd: m[1] ?? '', target };
    if (op === '<<' || op === '<<-') this.queueHeredoc(redir, op === '<<-');
    return redir;
  }

  protected parseSimple(): Command {
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.s.length || this.s[this.i] === '#') break;
      const r = this.tryRedirect();
      if (r) {
        redirs.push(r);
        continue;
      }
      const c = this.s[this.i] as string;
      if ('\n;&|)'.includes(c)) break;
      if (c === '(') {
        if (words.length === 1 && !assigns.length && !redirs.length) {
          this.emptyParens();
          return this.funcBody((words[0] as Word).raw);
        }
        this.err("unexpected '('");
      }
      if (!words.length) {
        const a = this.tryAssign();
        if (a) {
          assigns.push(a);
          continue;
        }
      }
      const w = this.readWord();
      if (!w) this.err(`unexpected '${c}'`);
      // `declare -a x=(1 2)`: the array is part of the argument
      if (this.s[this.i] === '(' && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(w.raw)) {
        const start = this.i;
        const elems = this.arrayElems();
        w.parts.push({ t: 'lit', v: '(' }, ...elems.flatMap((e) => [...e.parts, { t: 'lit' as const, v: ' ' }]), {
          t: 'lit',
          v: ')',
        });
        w.raw += this.s.slice(start, this.i);
      }
      words.push(w);
    }
    if (!words.length && !assigns.length && !redirs.length)
      this.err(`unexpected '${this.s[this.i] ?? 'end of input'}'`);
    return { t: 'simple', assigns, words, redirs };
  }

  protected tryAssign(): Assign | null {
    ASSIGN.lastIndex = this.i;
    const m = ASSIGN.exec(this.s);
    if (!m) return null;
    const start = this.i;
    this.i += m[0].length;
    const name = m[1] as string;
    if (this.s[this.i] === '(') {
      const array = this.arrayElems();
      return { name, array, raw: this.s.slice(start, this.i) };
    }
    const value = this.readWord();
    return value ? { name, value, raw: this.s.slice(start, this.i) } : { name, raw: this.s.slice(start, this.i) };
  }

  protected arrayElems(): Word[] {
    this.i++;
    const out: Word[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.s[this.i] === ')') {
        this.i++;
        return out;
      }
      const w = this.readWord();
      if (!w) this.err('unterminated array');
      out.push(w);
    }
  }
}
