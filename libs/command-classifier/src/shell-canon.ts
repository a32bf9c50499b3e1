import type { Command, Redir, Script, Word } from './shell-ast';
import { expandNoSplit, expandWord } from './shell-expand';
import type { ExpandScope, ExpandSink, Field } from './shell-expand';

/**
 * A canonical rendering of a parsed script: every word as the argv fields it expands to,
 * operators normalised, comments and layout dropped. Two command lines that differ only in
 * whitespace, comments or quoting render identically, so their fingerprints match.
 */
export function canonScript(script: Script): string {
  return script.stmts.map((st) => canonCommand(st.cmd) + (st.background ? ' &' : '')).join('; ');
}

/** The rendering of a bare argv, identical to that of a simple command with the same words. */
export function canonArgv(argv: string[]): string {
  return argv.map((a) => JSON.stringify(a)).join(' ');
}

const scope = (): ExpandScope => ({ vars: new Map(), ifsChanged: false });
const sink = (): ExpandSink => ({ scripts: [], reasons: [], render: canonScript });

function field(f: Field): string {
  return f.dynamic ? `~(${f.canon ?? JSON.stringify(f.value)})` : JSON.stringify(f.value);
}

function words(ws: Word[]): string {
  return ws.flatMap((w) => expandWord(w, scope(), sink()).map(field)).join(' ');
}

function one(w: Word): string {
  return field(expandNoSplit(w, scope(), sink()));
}

function redirs(rs: Redir[]): string {
  return rs.map((r) => ` ${r.op}${r.heredoc ? `<<${one(r.heredoc)}` : one(r.target)}`).join('');
}

function canonCommand(c: Command): string {
  switch (c.t) {
    case 'simple': {
      const assigns = c.assigns.map(
        (a) => `${a.name}=${a.array ? `(${words(a.array)})` : a.value ? one(a.value) : '""'}`,
      );
      return [...assigns, words(c.words)].filter(Boolean).join(' ') + redirs(c.redirs);
    }
    case 'pipeline':
      return (
        (c.negated ? '! ' : '') +
        (c.timed ? 'time ' : '') +
        c.cmds.map((x, k) => (k ? ` ${c.ops[k - 1]} ` : '') + canonCommand(x)).join('')
      );
    case 'andor':
      return c.cmds.map((x, k) => (k ? ` ${c.ops[k - 1]} ` : '') + canonCommand(x)).join('');
    case 'subshell':
      return `( ${canonScript(c.body)} )${redirs(c.redirs)}`;
    case 'group':
      return `{ ${canonScript(c.body)}; }${redirs(c.redirs)}`;
    case 'if': {
      const arms = c.conds.map(
        (cond, k) => `${k ? 'elif' : 'if'} ${canonScript(cond)}; then ${canonScript(c.bodies[k] as Script)}`,
      );
      return `${arms.join('; ')}${c.otherwise ? `; else ${canonScript(c.otherwise)}` : ''}; fi${redirs(c.redirs)}`;
    }
    case 'loop':
      return `${c.kind} ${canonScript(c.cond)}; do ${canonScript(c.body)}; done${redirs(c.redirs)}`;
    case 'for': {
      const head = c.arith
        ? `((${c.arith.raw.replace(/\s+/g, '')}))`
        : `${c.name}${c.items ? ` in ${words(c.items)}` : ''}`;
      return `${c.kind} ${head}; do ${canonScript(c.body)}; done${redirs(c.redirs)}`;
    }
    case 'case': {
      const items = c.items.map(
        (it) => `${it.patterns.map(one).join('|')}) ${canonScript(it.body)} ${it.term || ';;'}`,
      );
      return `case ${one(c.word)} in ${items.join(' ')} esac${redirs(c.redirs)}`;
    }
    case 'func':
      return `function ${c.name} ${canonCommand(c.body)}`;
    case 'arith':
      return `((${c.raw.replace(/\s+/g, '')}))${redirs(c.redirs)}`;
    case 'test':
      return `[[ ${words(c.words)} ]]${redirs(c.redirs)}`;
    case 'coproc':
      return `coproc ${c.name ?? ''} ${canonCommand(c.body)}`;
  }
}
