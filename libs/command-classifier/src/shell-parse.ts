import type { Command, Part, Script, Stmt, Word } from './shell-ast';
import { ShellLimitError } from './shell-errors';
import { SimpleCommandParser } from './shell-simple';

export { ShellSyntaxError } from './shell-lexer';

/** Parses bash source into the internal tree; throws ShellSyntaxError on anything it does not understand. */
export function parseShellScript(src: string, depth = 0): Script {
  return new ShellParser(src, depth).parseAll();
}

interface Stop {
  words?: readonly string[];
  paren?: boolean;
  caseItem?: boolean;
}

const TERMINATORS = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}']);
/** Subshells, groups, substitutions and compound commands nested deeper than this are refused. */
const MAX_LEVEL = 64;
class ShellParser extends SimpleCommandParser {
  private level = 0;

  parseAll(): Script {
    const script = this.parseList({});
    if (this.i < this.s.length) this.err(`unexpected '${this.s[this.i]}'`);
    this.finishHeredocs();
    return script;
  }

  protected parseUntilParen(): Script {
    const script = this.parseList({ paren: true });
    if (this.s[this.i] !== ')') this.err("expected ')'");
    this.i++;
    return script;
  }

  protected parseNested(src: string): Script {
    return new ShellParser(src, this.depth + 1).parseAll();
  }

  protected heredocWord(body: string): Word {
    return new ShellParser(body, this.depth + 1).readHeredocParts();
  }

  // ---- spacing ---------------------------------------------------------------

  private atListEnd(stop: Stop): boolean {
    if (this.i >= this.s.length) return true;
    const c = this.s[this.i];
    if (c === ')') {
      if (stop.paren || stop.caseItem) return true;
      this.err("unexpected ')'");
    }
    if (this.at(';;') || this.at(';&')) {
      if (stop.caseItem) return true;
      this.err("unexpected ';;'");
    }
    const kw = this.reserved();
    if (kw && TERMINATORS.has(kw)) {
      if (stop.words?.includes(kw)) return true;
      this.err(`unexpected '${kw}'`);
    }
    return false;
  }

  private parseList(stop: Stop): Script {
    if (++this.level > MAX_LEVEL) throw new ShellLimitError('commands nested too deeply');
    try {
      return this.listItems(stop);
    } finally {
      this.level--;
    }
  }

  private listItems(stop: Stop): Script {
    const stmts: Stmt[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.atListEnd(stop)) break;
      const start = this.i;
      this.count();
      const cmd = this.parseAndOr();
      let background = false;
      this.skipBlanks();
      this.skipComment();
      const c = this.s[this.i];
      const n = this.s[this.i + 1];
      if (c === '&' && n !== '&') {
        background = true;
        this.i++;
      } else if (c === ';' && n !== ';' && n !== '&') this.i++;
      else if (c === '\n') this.newline();
      else if (!this.atListEnd(stop)) this.err(`unexpected '${c}'`);
      stmts.push({ cmd, background, start });
    }
    return { stmts };
  }

  /** A list that must not be empty, as in `if`, `while` and `{ }` bodies. */
  private body(stop: Stop): Script {
    const script = this.parseList(stop);
    if (!script.stmts.length) this.err('empty command list');
    return script;
  }

  private parseAndOr(): Command {
    const cmds = [this.parsePipeline()];
    const ops: string[] = [];
    for (;;) {
      this.skipBlanks();
      if (!this.at('&&') && !this.at('||')) break;
      ops.push(this.s.slice(this.i, this.i + 2));
      this.i += 2;
      this.skipLinebreaks();
      cmds.push(this.parsePipeline());
    }
    return cmds.length === 1 ? (cmds[0] as Command) : { t: 'andor', cmds, ops };
  }

  private parsePipeline(): Command {
    let timed = false;
    let negated = false;
    for (;;) {
      this.skipBlanks();
      const kw = this.reserved();
      if (kw === 'time') {
        timed = true;
        this.i += 4;
        this.skipBlanks();
        if (/-p(?=[ \t\n;&|]|$)/y.test(this.s.slice(this.i, this.i + 3))) this.i += 2;
      } else if (kw === '!') {
        negated = !negated;
        this.i++;
      } else break;
    }
    const cmds = [this.parseCommand()];
    const ops: string[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.s[this.i] !== '|' || this.s[this.i + 1] === '|') break;
      const op = this.s[this.i + 1] === '&' ? '|&' : '|';
      ops.push(op);
      this.i += op.length;
      this.skipLinebreaks();
      cmds.push(this.parseCommand());
    }
    if (cmds.length === 1 && !timed && !negated) return cmds[0] as Command;
    return { t: 'pipeline', cmds, ops, negated, timed };
  }

  // ---- commands --------------------------------------------------------------

  private parseCommand(): Command {
    this.skipBlanks();
    const kw = this.reserved();
    switch (kw) {
      case '{': {
        this.i++;
        const body = this.body({ words: ['}'] });
        this.expectKw('}');
        return { t: 'group', body, redirs: this.redirs() };
      }
      case 'if':
        return this.parseIf();
      case 'while':
      case 'until': {
        this.i += kw.length;
        const cond = this.body({ words: ['do'] });
        this.expectKw('do');
        const body = this.parseList({ words: ['done'] });
        this.expectKw('done');
        return { t: 'loop', kind: kw, cond, body, redirs: this.redirs() };
      }
      case 'for':
      case 'select':
        return this.parseFor(kw);
      case 'case':
        return this.parseCase();
      case 'function': {
        this.i += 8;
        this.skipBlanks();
        const name = this.readWord();
        if (!name) this.err('expected function name');
        this.skipBlanks();
        if (this.at('(')) this.emptyParens();
        return this.funcBody(name.raw);
      }
      case '[[':
        return this.parseTest();
      case 'coproc': {
        this.i += 6;
        this.skipBlanks();
        const named = /([A-Za-z_][A-Za-z0-9_]*)[ \t]+(?=[{(]|(?:if|while|until|for|case)[ \t\n;])/y;
        named.lastIndex = this.i;
        const m = named.exec(this.s);
        if (m) this.i += m[0].length;
        return m
          ? { t: 'coproc', name: m[1] as string, body: this.parseCommand() }
          : { t: 'coproc', body: this.parseCommand() };
      }
      default:
        if (kw && TERMINATORS.has(kw)) this.err(`unexpected '${kw}'`);
    }
    if (this.at('((')) {
      this.i += 2;
      const start = this.i;
      const expr = this.readArith('))');
      return { t: 'arith', expr, raw: this.s.slice(start, this.i - 2), redirs: this.redirs() };
    }
    if (this.at('(')) {
      this.i++;
      const body = this.body({ paren: true });
      if (this.s[this.i] !== ')') this.err("expected ')'");
      this.i++;
      return { t: 'subshell', body, redirs: this.redirs() };
    }
    return this.parseSimple();
  }

  protected funcBody(name: string): Command {
    this.skipLinebreaks();
    const body = this.parseCommand();
    if (body.t === 'simple' || body.t === 'pipeline' || body.t === 'andor')
      this.err('function body must be a compound command');
    return { t: 'func', name, body };
  }

  private parseIf(): Command {
    this.i += 2;
    const conds: Script[] = [];
    const bodies: Script[] = [];
    let otherwise: Script | undefined;
    for (;;) {
      conds.push(this.body({ words: ['then'] }));
      this.expectKw('then');
      bodies.push(this.body({ words: ['elif', 'else', 'fi'] }));
      const kw = this.reserved();
      if (!kw) this.err("expected 'fi'");
      this.i += kw.length;
      if (kw === 'elif') continue;
      if (kw === 'else') {
        otherwise = this.body({ words: ['fi'] });
        this.expectKw('fi');
      }
      break;
    }
    const redirs = this.redirs();
    return otherwise ? { t: 'if', conds, bodies, otherwise, redirs } : { t: 'if', conds, bodies, redirs };
  }

  private parseFor(kind: 'for' | 'select'): Command {
    this.i += kind.length;
    this.skipBlanks();
    let name = '';
    let items: Word[] | undefined;
    let arith: { raw: string; nested: Part[] } | undefined;
    if (kind === 'for' && this.at('((')) {
      this.i += 2;
      const start = this.i;
      const nested = this.readArith('))');
      arith = { raw: this.s.slice(start, this.i - 2), nested };
    } else {
      const m = /[A-Za-z_][A-Za-z0-9_]*/y;
      m.lastIndex = this.i;
      const hit = m.exec(this.s);
      if (!hit) this.err(`expected a variable name after '${kind}'`);
      name = hit[0];
      this.i += name.length;
      this.skipLinebreaks();
      if (this.reserved() === 'in') {
        this.i += 2;
        items = [];
        for (;;) {
          this.skipBlanks();
          const w = this.readWord();
          if (!w) break;
          items.push(w);
        }
      }
    }
    this.skipBlanks();
    if (this.s[this.i] === ';') this.i++;
    this.skipLinebreaks();
    let body: Script;
    if (this.reserved() === '{') {
      body = { stmts: [{ cmd: this.parseCommand(), background: false, start: this.i }] };
    } else {
      this.expectKw('do');
      body = this.parseList({ words: ['done'] });
      this.expectKw('done');
    }
    const cmd: Command = { t: 'for', kind, name, body, redirs: this.redirs() };
    if (items) cmd.items = items;
    if (arith) cmd.arith = arith;
    return cmd;
  }

  private parseCase(): Command {
    this.i += 4;
    this.skipBlanks();
    const word = this.readWord();
    if (!word) this.err("expected a word after 'case'");
    this.expectKw('in');
    const items: { patterns: Word[]; body: Script; term: string }[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.reserved() === 'esac') {
        this.i += 4;
        break;
      }
      if (this.s[this.i] === '(') this.i++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        const w = this.readWord();
        if (!w) this.err('expected a case pattern');
        patterns.push(w);
        this.skipBlanks();
        const c = this.s[this.i++];
        if (c === ')') break;
        if (c !== '|') this.err("expected ')' or '|' in case pattern");
      }
      const body = this.parseList({ words: ['esac'], caseItem: true });
      this.skipBlanks();
      const term = this.at(';;&') ? ';;&' : this.at(';;') ? ';;' : this.at(';&') ? ';&' : '';
      this.i += term.length;
      items.push({ patterns, body, term });
      if (!term) {
        this.expectKw('esac');
        break;
      }
    }
    return { t: 'case', word, items, redirs: this.redirs() };
  }

  private parseTest(): Command {
    this.i += 2;
    const words: Word[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.s.length) this.err("unterminated '[['");
      if (this.s[this.i] === '\n') {
        this.newline();
        continue;
      }
      if (/\]\](?=[ \t\n;&|)]|$)/y.test(this.s.slice(this.i, this.i + 3))) {
        this.i += 2;
        break;
      }
      const op = ['&&', '||', '(', ')', '!', '<', '>'].find((o) => this.at(o));
      if (op) {
        words.push({ parts: [{ t: 'lit', v: op }], raw: op });
        this.i += op.length;
        continue;
      }
      const regex = words[words.length - 1]?.raw === '=~';
      const w = this.readWord(regex);
      if (!w) this.err(`unexpected '${this.s[this.i]}' in '[['`);
      words.push(w);
    }
    return { t: 'test', words, redirs: this.redirs() };
  }
}
