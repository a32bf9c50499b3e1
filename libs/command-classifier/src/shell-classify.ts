import { createHash } from 'node:crypto';
import type { Script } from './shell-ast';
import { canonArgv, canonScript } from './shell-canon';
import { ExpansionError } from './shell-expand';
import type { Field } from './shell-expand';
import { GateError, MAX_SHELL_INPUT, byteOffsets, mvdanStatementOffsets } from './shell-gate';
import { ShellLimitError, ShellSyntaxError } from './shell-errors';
import { parseShellScript } from './shell-parse';
import { ClassifyError, ShellWalker } from './shell-walk';
import type { Ctx } from './shell-walk';
import type { ShellClassification } from './types';

/**
 * Parses with mvdan/sh (the authority on syntax) and with our parser (which exposes the
 * structure), and refuses the input when they disagree on where statements start.
 */
export async function parseChecked(src: string): Promise<Script> {
  if (src.includes('\0')) throw new ClassifyError('NUL byte in command');
  if (src.length > MAX_SHELL_INPUT) throw new ClassifyError(`command longer than ${MAX_SHELL_INPUT} characters`);
  // ours first: it is cheap and enforces the size and nesting limits before the wasm parser runs
  let script: Script | undefined;
  let ours: unknown;
  try {
    script = parseShellScript(src);
  } catch (e) {
    if (e instanceof ShellLimitError) throw new ClassifyError(e.message);
    if (!(e instanceof ShellSyntaxError)) throw e;
    ours = e;
  }
  const theirs = await mvdanStatementOffsets(src);
  if (!script) throw new ClassifyError(`unsupported shell syntax: ${(ours as Error).message}`);
  const starts = byteOffsets(
    src,
    script.stmts.map((s) => s.start),
  );
  if (starts.length !== theirs.length || starts.some((o, k) => o !== theirs[k])) {
    throw new ClassifyError(
      `shell parsers disagree on statement boundaries (${starts.join(',')} vs ${theirs.join(',')})`,
    );
  }
  return script;
}

/**
 * Classifies a shell command line (string) or an exec argv (string[]): every command that
 * would run, with wrappers and nested shells unwrapped, whether any of it is only known at
 * run time, and the files it writes to. Never throws: anything it cannot read is ok:false.
 */
export async function classifyShell(input: string | string[]): Promise<ShellClassification> {
  const walker = new ShellWalker(parseChecked);
  const ctx: Ctx = { via: [], scope: { vars: new Map(), ifsChanged: false }, stdin: { kind: 'inherit' }, depth: 0 };
  try {
    let canon: string;
    if (Array.isArray(input)) {
      if (!input.length || typeof input[0] !== 'string') throw new ClassifyError('empty argv');
      if (input.some((a) => typeof a !== 'string' || a.includes('\0')))
        throw new ClassifyError('argv element is not a NUL-free string');
      const argv: Field[] = input.map((value) => ({ value, dynamic: false }));
      await walker.run(argv, ctx, ctx.stdin, [], false, []);
      canon = canonArgv(input);
    } else {
      if (typeof input !== 'string') throw new ClassifyError('command is not a string');
      const script = await parseChecked(input);
      await walker.walkScript(script, ctx);
      canon = canonScript(script);
    }
    return {
      ok: true,
      commands: walker.commands,
      dynamic: walker.reasons.length > 0,
      dynamicReasons: walker.reasons,
      redirects: walker.redirects,
      fingerprint: sha256(canon),
    };
  } catch (e) {
    if (!(
      e instanceof ClassifyError ||
      e instanceof GateError ||
      e instanceof ExpansionError ||
      e instanceof ShellSyntaxError
    )) {
      // an internal fault must still deny, but say what it was
      return failed(input, `classifier error: ${e instanceof Error ? e.message : String(e)}`);
    }
    return failed(input, e.message);
  }
}

function failed(input: string | string[], error: string): ShellClassification {
  const raw = Array.isArray(input) ? JSON.stringify(input) : String(input);
  return {
    ok: false,
    error,
    commands: [],
    dynamic: true,
    dynamicReasons: ['unparseable'],
    redirects: [],
    fingerprint: sha256(`!${raw}`),
  };
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
