import type { Part, Redir, Word } from './shell-ast';
import { WordLexer } from './shell-lexer';
import type { PendingHeredoc } from './shell-lexer';

/**
 * Here-documents: the body starts after the next newline, so the operator only queues it
 * and whoever consumes a newline reads the queued bodies. An unquoted body is expanded
 * (its `$(…)` run), a quoted one is plain text.
 */
export abstract class HeredocLexer extends WordLexer {
  /** Lexes an unquoted here-document body one level deeper. */
  protected abstract heredocWord(body: string): Word;

  protected queueHeredoc(redir: Redir, strip: boolean): void {
    const parts = redir.target.parts;
    const quoted = parts.some((p) => p.t !== 'lit');
    const delim = parts.map((p) => (p.t === 'dq' ? p.parts.map(partText).join('') : partText(p))).join('');
    this.pending.push({ redir, delim, strip, quoted });
  }

  /** Consumes a newline and then the bodies of any here-documents started on that line. */
  protected newline(): void {
    this.i++;
    const queue = this.pending;
    this.pending = [];
    for (const h of queue) this.readHeredocBody(h);
  }

  /** A here-document still open at end of input gets the rest of the input (bash does the same, with a warning). */
  protected finishHeredocs(): void {
    for (const h of this.pending) h.redir.heredoc = { parts: [], raw: '' };
    this.pending = [];
  }

  private readHeredocBody(h: PendingHeredoc): void {
    let body = '';
    while (this.i < this.s.length) {
      const nl = this.s.indexOf('\n', this.i);
      const end = nl < 0 ? this.s.length : nl;
      let line = this.s.slice(this.i, end);
      this.i = nl < 0 ? end : end + 1;
      if (h.strip) line = line.replace(/^\t+/, '');
      if (line === h.delim) break;
      body += `${line}\n`;
    }
    h.redir.heredoc = h.quoted ? { parts: [{ t: 'sq', v: body }], raw: body } : this.heredocWord(body);
  }

  /** Unquoted here-document body: like double quotes, except that `"` is plain text. */
  protected readHeredocParts(): Word {
    const parts: Part[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ t: 'lit', v: lit });
      lit = '';
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      const n = this.s[this.i + 1];
      if (c === '\\' && n !== undefined && '$`\\\n'.includes(n)) {
        if (n !== '\n') lit += n;
        this.i += 2;
        continue;
      }
      if ((c === '$' || c === '`') && this.lexQuotedOrExpansion(parts, flush, true)) continue;
      lit += c;
      this.i++;
    }
    flush();
    // Every character of a here-document body is literal apart from expansions.
    return { parts: [{ t: 'dq', parts }], raw: this.s };
  }
}

function partText(p: Part): string {
  return p.t === 'lit' || p.t === 'sq' ? p.v : p.t === 'dq' ? p.parts.map(partText).join('') : p.raw;
}
