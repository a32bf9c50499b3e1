// Internal syntax tree produced by shell-parse.ts. Only what classification and
// fingerprinting need is kept; positions are kept for top-level statements so the
// result can be cross-checked against mvdan/sh.

export type Part =
  /** Unquoted literal text: globs, braces and tildes still have meaning here. */
  | { t: 'lit'; v: string }
  /** Quoted (single, ANSI-C, backslash-escaped) text: no further meaning. */
  | { t: 'sq'; v: string }
  | { t: 'dq'; parts: Part[] }
  /** `mod`: 'indirect' for ${!x}, 'prompt' for ${x@P} (re-expands the value, running substitutions in it). */
  | { t: 'param'; name: string; raw: string; nested: Word[]; mod?: 'indirect' | 'prompt' }
  | { t: 'cmdsub'; body: Script; raw: string }
  | { t: 'arith'; raw: string; nested: Part[] }
  | { t: 'procsub'; op: '<' | '>'; body: Script; raw: string }
  | { t: 'extglob'; raw: string };

export interface Word {
  parts: Part[];
  raw: string;
}

export interface Assign {
  name: string;
  /** Undefined for `name=` with nothing after it (empty string). */
  value?: Word;
  array?: Word[];
  raw: string;
}

export interface Redir {
  /** Operator with fd prefix as written: '>', '2>>', '<<<', '{fd}>' … */
  op: string;
  fd: string;
  target: Word;
  /** Here-document body; `quoted` delimiters keep it literal. */
  heredoc?: Word;
}

export type Command =
  | { t: 'simple'; assigns: Assign[]; words: Word[]; redirs: Redir[] }
  | { t: 'pipeline'; cmds: Command[]; ops: string[]; negated: boolean; timed: boolean }
  | { t: 'andor'; cmds: Command[]; ops: string[] }
  | { t: 'subshell'; body: Script; redirs: Redir[] }
  | { t: 'group'; body: Script; redirs: Redir[] }
  | { t: 'if'; conds: Script[]; bodies: Script[]; otherwise?: Script; redirs: Redir[] }
  | { t: 'loop'; kind: 'while' | 'until'; cond: Script; body: Script; redirs: Redir[] }
  | {
      t: 'for';
      kind: 'for' | 'select';
      name: string;
      items?: Word[];
      arith?: { raw: string; nested: Part[] };
      body: Script;
      redirs: Redir[];
    }
  | { t: 'case'; word: Word; items: { patterns: Word[]; body: Script; term: string }[]; redirs: Redir[] }
  | { t: 'func'; name: string; body: Command }
  | { t: 'arith'; expr: Part[]; raw: string; redirs: Redir[] }
  | { t: 'test'; words: Word[]; redirs: Redir[] }
  | { t: 'coproc'; name?: string; body: Command };

export interface Stmt {
  cmd: Command;
  background: boolean;
  /** Offset (UTF-16 index) of the statement's first token in its source. */
  start: number;
}

export interface Script {
  stmts: Stmt[];
}
