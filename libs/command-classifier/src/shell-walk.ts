import type { Command, Redir, Script } from './shell-ast';
import { arithReason, expandNoSplit, expandWord, partsScripts, wordScripts } from './shell-expand';
import type { ExpandScope, ExpandSink, Field } from './shell-expand';
import { codeReasons } from './interpreters';
import type { ShellCommand, ShellRedirect } from './types';
import { SENSITIVE_VARS, basename, unwrapStep } from './wrappers';
import type { Step } from './wrappers';

/** Where a command's stdin comes from; a shell reading its program from it is dynamic. */
export type Stdin = { kind: 'inherit' | 'pipe' | 'file' } | { kind: 'text'; text: string | null };

export interface Ctx {
  via: string[];
  scope: ExpandScope;
  stdin: Stdin;
  /** Shell-string nesting (sh -c inside sh -c …). */
  depth: number;
  /** Inside a program that xargs/find/parallel fill in from input: no word is fully known. */
  tainted?: boolean;
}

export class ClassifyError extends Error {}

/** Program strings nested deeper than this (sh -c "sh -c '…'") are refused. */
const MAX_SHELL_DEPTH = 8;
const MAX_NESTED_PARSES = 64;
const MAX_COMMANDS = 2048;
/** Loops over literal lists are walked once per value (so `for c in rm; do $c …` shows rm) within this budget. */
const LOOP_BUDGET = 64;

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const DECLARE = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

export type ParseFn = (src: string) => Promise<Script>;

/** The command being unwrapped, as wrappers peel off. */
interface Hop {
  argv: Field[];
  via: string[];
  /** xargs/find/parallel append input-derived words. */
  app: boolean;
  env: Field[];
}

/** The statement lists of a compound command, in the order they run. */
function bodies(cmd: Command): Script[] {
  switch (cmd.t) {
    case 'subshell':
    case 'group':
      return [cmd.body];
    case 'if':
      return [...cmd.conds.flatMap((c, k) => [c, cmd.bodies[k] as Script]), ...(cmd.otherwise ? [cmd.otherwise] : [])];
    case 'loop':
      return [cmd.cond, cmd.body];
    case 'case':
      return cmd.items.map((it) => it.body);
    default:
      return [];
  }
}

/** Walks a parsed script and collects every command that would run, with wrappers unwrapped. */
export class ShellWalker {
  readonly commands: ShellCommand[] = [];
  readonly redirects: ShellRedirect[] = [];
  readonly reasons: string[] = [];
  private parses = 0;
  private loopBudget = LOOP_BUDGET;

  constructor(private readonly parse: ParseFn) {}

  reason(r: string): void {
    if (!this.reasons.includes(r)) this.reasons.push(r);
  }

  async walkScript(script: Script, ctx: Ctx): Promise<void> {
    for (const st of script.stmts) await this.walkCommand(st.cmd, ctx);
  }

  private async walkScripts(scripts: Script[], ctx: Ctx): Promise<void> {
    for (const s of scripts) await this.walkScript(s, { ...ctx, scope: copyScope(ctx.scope) });
  }

  private async walkCommand(cmd: Command, ctx: Ctx): Promise<void> {
    if (cmd.t === 'simple') return this.walkSimple(cmd, ctx);
    if (cmd.t === 'func' || cmd.t === 'coproc')
      return this.walkCommand(cmd.body, { ...ctx, scope: copyScope(ctx.scope) });
    if (cmd.t === 'pipeline') {
      for (const [k, c] of cmd.cmds.entries()) {
        const stdin: Stdin = k > 0 ? { kind: 'pipe' } : ctx.stdin;
        // every element of a real pipeline runs in a subshell
        await this.walkCommand(c, { ...ctx, stdin, scope: cmd.cmds.length > 1 ? copyScope(ctx.scope) : ctx.scope });
      }
      return;
    }
    if (cmd.t === 'andor') {
      for (const c of cmd.cmds) await this.walkCommand(c, ctx);
      return;
    }
    return this.walkCompound(cmd, ctx);
  }

  private async walkCompound(
    cmd: Exclude<Command, { t: 'simple' | 'func' | 'coproc' | 'pipeline' | 'andor' }>,
    ctx: Ctx,
  ) {
    const sink: ExpandSink = { scripts: [], reasons: [] };
    const stdin = this.redirections(cmd.redirs, ctx, sink) ?? ctx.stdin;
    const inner: Ctx = { ...ctx, stdin, scope: cmd.t === 'subshell' ? copyScope(ctx.scope) : ctx.scope };
    if (cmd.t === 'for') return this.walkFor(cmd, inner, sink);
    if (cmd.t === 'case') {
      wordScripts(cmd.word, sink);
      for (const item of cmd.items) item.patterns.forEach((p) => wordScripts(p, sink));
    } else if (cmd.t === 'arith') {
      partsScripts(cmd.expr, sink);
      this.arith(cmd.raw, ctx);
    } else if (cmd.t === 'test') {
      cmd.words.forEach((w) => wordScripts(w, sink));
      // -eq and friends evaluate both sides arithmetically
      if (cmd.words.some((w) => /^-(eq|ne|lt|le|gt|ge)$/.test(w.raw)))
        this.arith(cmd.words.map((w) => w.raw).join(' '), ctx);
    }
    await this.flush(sink, ctx);
    for (const body of bodies(cmd)) await this.walkScript(body, inner);
  }

  private arith(expr: string, ctx: Ctx): void {
    const why = arithReason(expr, ctx.scope);
    if (why) this.reason(why);
  }

  private async walkFor(cmd: Extract<Command, { t: 'for' }>, ctx: Ctx, sink: ExpandSink): Promise<void> {
    if (cmd.arith) {
      partsScripts(cmd.arith.nested, sink);
      this.arith(cmd.arith.raw, ctx);
    }
    const values = (cmd.items ?? []).flatMap((w) => expandWord(w, ctx.scope, sink));
    await this.flush(sink, ctx);
    const literal =
      cmd.items && values.every((f) => !f.dynamic) && values.length <= 8 && this.loopBudget >= values.length;
    if (literal && values.length) {
      this.loopBudget -= values.length;
      for (const v of values) {
        ctx.scope.vars.set(cmd.name, v.value);
        await this.walkScript(cmd.body, ctx);
      }
    } else {
      if (cmd.name) ctx.scope.vars.set(cmd.name, null);
      await this.walkScript(cmd.body, ctx);
    }
  }

  /** Walks substitutions found while expanding (they run first) and records why they make the line dynamic. */
  private async flush(sink: ExpandSink, ctx: Ctx): Promise<void> {
    sink.reasons.forEach((r) => this.reason(r));
    const scripts = sink.scripts.splice(0);
    sink.reasons.length = 0;
    await this.walkScripts(scripts, { ...ctx, stdin: { kind: 'inherit' } });
  }

  /** Notes file writes and returns where stdin now comes from. */
  private redirections(redirs: Redir[], ctx: Ctx, sink: ExpandSink): Stdin | undefined {
    let stdin: Stdin | undefined;
    for (const r of redirs) {
      const op = r.op.slice(r.fd.length);
      const toStdin = r.fd === '' || r.fd === '0';
      if (r.heredoc) {
        const body = expandNoSplit(r.heredoc, ctx.scope, sink);
        if (toStdin) stdin = { kind: 'text', text: body.dynamic ? null : body.value };
        continue;
      }
      const before = sink.cmdsubs ?? 0;
      const target = expandNoSplit(r.target, ctx.scope, sink);
      if ((sink.cmdsubs ?? 0) > before) this.reason('redirection target is computed by a command substitution');
      if (op === '<<<' && toStdin) stdin = { kind: 'text', text: target.dynamic ? null : `${target.value}\n` };
      else if ((op === '<' || op === '<&' || op === '<>') && toStdin) stdin = { kind: 'file' };
      if (WRITE_OPS.has(op) || (op === '>&' && !/^(\d+-?|-)$/.test(target.value)))
        this.redirects.push({ op: r.op, target: target.value });
    }
    return stdin;
  }

  private async walkSimple(cmd: Extract<Command, { t: 'simple' }>, ctx: Ctx): Promise<void> {
    const sink: ExpandSink = { scripts: [], reasons: [] };
    const stdin = this.redirections(cmd.redirs, ctx, sink) ?? ctx.stdin;
    const env = this.assignments(cmd, ctx, sink);
    const before = sink.cmdsubs ?? 0;
    const fields = cmd.words.flatMap((w) => expandWord(w, ctx.scope, sink));
    // Shells do not import IFS, so `IFS= read` is harmless; it matters for the current shell
    // (a bare assignment) and for builtins that re-split words: eval and source.
    const resplits = !fields.length || ['eval', 'source', '.'].includes(basename(fields[0]?.value ?? ''));
    for (const a of cmd.assigns)
      if (SENSITIVE_VARS.test(a.name) && (a.name !== 'IFS' || resplits)) this.reason(`assignment to ${a.name}`);
    if ((sink.cmdsubs ?? 0) > before) this.reason('command substitution output used as a word');
    await this.flush(sink, ctx);
    await this.run(fields, ctx, stdin, ctx.via, false, env);
  }

  /** Bare assignments update what the script knows; prefix ones become the command's environment. */
  private assignments(cmd: Extract<Command, { t: 'simple' }>, ctx: Ctx, sink: ExpandSink): Field[] {
    const env: Field[] = [];
    for (const a of cmd.assigns) {
      a.array?.forEach((w) => expandWord(w, ctx.scope, sink));
      const val = a.array ? null : a.value ? expandNoSplit(a.value, ctx.scope, sink) : { value: '', dynamic: false };
      if (cmd.words.length) env.push({ value: `${a.name}=${val?.value ?? ''}`, dynamic: !val || val.dynamic });
      else this.assign(ctx.scope, a.name, val && !val.dynamic ? val.value : null);
    }
    return env;
  }

  private assign(scope: ExpandScope, name: string, value: string | null): void {
    scope.vars.set(name, value);
    if (name === 'IFS') scope.ifsChanged = true;
  }

  /** Unwraps wrappers one at a time and records the command that finally runs. */
  async run(argv: Field[], ctx: Ctx, stdin: Stdin, via: string[], appendsInput: boolean, env: Field[]): Promise<void> {
    const hop: Hop = { argv, via, app: appendsInput, env };
    for (let n = 0; n < 32 && hop.argv.length; n++) {
      const head = hop.argv[0] as Field;
      if (head.dynamic) {
        this.emit(hop.argv, hop.via, true);
        this.reason(`command name is computed at run time: ${head.value}`);
        return;
      }
      const step: Step = unwrapStep(hop.argv);
      if (step.kind !== 'stdin-shell') step.reasons?.forEach((r) => this.reason(r));
      if (step.kind === 'shell') return this.runShell(step, hop, ctx, stdin);
      if (step.kind !== 'exec') return this.runSelf(step, hop, ctx, stdin);
      for (const e of step.env ?? []) {
        const name = e.value.split('=')[0] as string;
        if (SENSITIVE_VARS.test(name)) this.reason(`assignment to ${name}`);
      }
      hop.env = [...hop.env, ...(step.env ?? [])];
      hop.via = [...hop.via, step.label];
      hop.argv = step.argv;
      hop.app ||= !!step.appendsInput;
    }
    if (hop.argv.length) throw new ClassifyError('too many nested wrappers');
  }

  private async runShell(step: Extract<Step, { kind: 'shell' }>, hop: Hop, ctx: Ctx, stdin: Stdin): Promise<void> {
    const app = hop.app || !!step.appendsInput;
    if (app) this.reason('shell program run with arguments taken from input');
    if (step.script.dynamic) {
      this.emit(hop.argv, hop.via, true);
      this.reason(`${step.label} program is computed at run time`);
      return;
    }
    const scope = childScope(ctx.scope, hop.env);
    // `sh -c 'prog' name a b`: $0 is name, $1.. are the rest
    step.positional.forEach((p, k) => scope.vars.set(String(k), p.dynamic ? null : p.value));
    const via = [...hop.via, step.label];
    return this.nested(step.script.value, { ...ctx, scope, stdin, via, tainted: ctx.tainted || app });
  }

  private async runSelf(step: Extract<Step, { kind: 'self' | 'stdin-shell' }>, hop: Hop, ctx: Ctx, stdin: Stdin) {
    const { argv, via, app } = hop;
    this.emit(argv, via, app || !!ctx.tainted);
    if (step.kind === 'stdin-shell') {
      const inner = { ...ctx, scope: childScope(ctx.scope, hop.env), via, tainted: ctx.tainted || app };
      return this.stdinShell(step.label, stdin, app, inner);
    }
    for (const r of codeReasons(argv)) this.reason(r);
    if (app && codeReasons([argv[0] as Field]).length) this.reason('interpreter run with arguments taken from input');
    await this.builtinCode(argv, ctx, via);
    for (const s of step.also ?? [])
      if (s.kind === 'exec') await this.run(s.argv, ctx, stdin, [...via, s.label], app || !!s.appendsInput, hop.env);
  }

  /** eval, trap, alias and declare carry code or assignments in their arguments. */
  private async builtinCode(argv: Field[], ctx: Ctx, via: string[]): Promise<void> {
    const prog = basename((argv[0] as Field).value);
    const args = argv.slice(1);
    if (prog === 'eval') {
      this.reason('eval runs a string as code');
      const src = { value: args.map((a) => a.value).join(' '), dynamic: args.some((a) => a.dynamic) };
      if (!src.dynamic && src.value.trim()) await this.nested(src.value, { ...ctx, via: [...via, 'eval'] });
    } else if (prog === 'trap' && args.length >= 2 && !(args[0] as Field).value.startsWith('-')) {
      this.reason('trap installs code to run later');
      if (!(args[0] as Field).dynamic) await this.nested((args[0] as Field).value, { ...ctx, via: [...via, 'trap'] });
    } else if (prog === 'alias') {
      for (const a of args) {
        const eq = a.value.indexOf('=');
        if (eq < 0) continue;
        this.reason('alias defines code to run later');
        if (!a.dynamic) await this.nested(a.value.slice(eq + 1), { ...ctx, via: [...via, 'alias'] });
      }
    } else if (prog === 'let') {
      this.arith(args.map((a) => a.value).join(' '), ctx);
    } else if (DECLARE.has(prog)) {
      for (const a of args) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)$/s.exec(a.value);
        if (!m) continue;
        if (SENSITIVE_VARS.test(m[1] as string)) this.reason(`assignment to ${m[1]}`);
        this.assign(ctx.scope, m[1] as string, a.dynamic ? null : (m[2] as string));
      }
    }
  }

  private async stdinShell(label: string, stdin: Stdin, app: boolean, ctx: Ctx): Promise<void> {
    if (app) this.reason('shell run with arguments taken from input');
    if (stdin.kind === 'text') {
      this.reason(`${label} runs a here-document or here-string as its program`);
      if (stdin.text !== null)
        await this.nested(stdin.text, { ...ctx, stdin: { kind: 'inherit' }, via: [...ctx.via, `${label} <<`] });
      return;
    }
    const from =
      stdin.kind === 'pipe' ? 'a pipe' : stdin.kind === 'file' ? 'a file' : 'the terminal (interactive shell)';
    this.reason(`${label} reads its program from ${from}`);
  }

  private async nested(src: string, ctx: Ctx): Promise<void> {
    if (ctx.depth >= MAX_SHELL_DEPTH) throw new ClassifyError('shell programs nested too deeply');
    if (++this.parses > MAX_NESTED_PARSES) throw new ClassifyError('too many nested shell programs');
    const script = await this.parse(src);
    await this.walkScript(script, { ...ctx, depth: ctx.depth + 1 });
  }

  private emit(argv: Field[], via: string[], appendsInput: boolean): void {
    if (this.commands.length >= MAX_COMMANDS) throw new ClassifyError('too many commands');
    this.commands.push({
      argv: argv.map((f) => f.value),
      program: basename((argv[0] as Field).value),
      via: [...via],
      dynamicParts: appendsInput || argv.some((f) => f.dynamic),
    });
  }
}

export function copyScope(s: ExpandScope): ExpandScope {
  return { vars: new Map(s.vars), ifsChanged: s.ifsChanged };
}

/** A child shell sees the parent's variables (over-approximating exports) plus `VAR=val` given to it. */
function childScope(s: ExpandScope, env: Field[]): ExpandScope {
  const out = copyScope(s);
  for (const e of env) {
    const eq = e.value.indexOf('=');
    const name = e.value.slice(0, eq);
    out.vars.set(name, e.dynamic ? null : e.value.slice(eq + 1));
    if (name === 'IFS') out.ifsChanged = true;
  }
  return out;
}
