import type { CommandPattern, ShellCommand } from './types';

/**
 * Per-program spellings of the same option. Only programs where the equivalence is real
 * are listed: `-r` is "recursive" for rm but "reverse" for sort.
 */
const RECURSIVE_FORCE: Record<string, string[]> = {
  r: ['R', 'recursive'],
  R: ['r', 'recursive'],
  recursive: ['r', 'R'],
  f: ['force'],
  force: ['f'],
};
const SYNONYMS: Record<string, Record<string, string[]>> = {
  rm: { ...RECURSIVE_FORCE, i: ['interactive'], d: ['dir'], v: ['verbose'] },
  cp: { ...RECURSIVE_FORCE, a: ['archive'], archive: ['a'] },
  mv: { f: ['force'], force: ['f'] },
  chmod: { R: ['recursive'], recursive: ['R'] },
  chown: { R: ['recursive'], recursive: ['R'] },
  chgrp: { R: ['recursive'], recursive: ['R'] },
  git: { f: ['force'], force: ['f'] },
  kubectl: { A: ['all-namespaces'], 'all-namespaces': ['A'], f: ['filename'], filename: ['f'] },
  shred: { u: ['remove'], remove: ['u'], z: ['zero'], zero: ['z'] },
};

function spellings(program: string, flag: string): string[] {
  const syn = Object.prototype.hasOwnProperty.call(SYNONYMS, program) ? SYNONYMS[program] : undefined;
  const extra = syn && Object.prototype.hasOwnProperty.call(syn, flag) ? (syn[flag] as string[]) : [];
  return [flag, ...extra];
}

function present(cmd: ShellCommand, flag: string): boolean {
  const names = spellings(cmd.program, flag.replace(/^-+/, ''));
  const shorts = names.filter((n) => n.length === 1);
  const longs = names.filter((n) => n.length > 1);
  for (const arg of cmd.argv.slice(1)) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] as string;
      // GNU getopt_long accepts any unambiguous prefix: `rm --rec --for /`
      if (name && longs.some((l) => l.startsWith(name))) return true;
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d+$/.test(arg)) {
      if (shorts.some((s) => arg.includes(s, 1))) return true;
    }
  }
  return false;
}

/**
 * True when every flag is given, however it is spelled: `-rf`, `-fr`, `-r -f`, `-R`,
 * `--recursive --force`, `--rec`. Flags hidden in dynamic words are not seen: a policy
 * must treat `dynamicParts` / `dynamic` itself.
 */
export function hasFlag(cmd: ShellCommand, ...flags: string[]): boolean {
  return flags.length > 0 && flags.every((f) => present(cmd, f));
}

/** Lexical path normalisation so that `/`, `//`, `/./` and `/tmp/..` compare equal. */
export function normalizePathArg(p: string): string {
  if (!p.startsWith('/')) return p;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

export function matchesCommandPattern(cmd: ShellCommand, pattern: CommandPattern): boolean {
  const programs = Array.isArray(pattern.program) ? pattern.program : [pattern.program];
  if (!programs.some((p) => p === '*' || p === cmd.program || (p.includes('/') && p === cmd.argv[0]))) return false;
  if (pattern.flags?.length && !hasFlag(cmd, ...pattern.flags)) return false;
  const args = cmd.argv.slice(1);
  const norm = args.map(normalizePathArg);
  return (pattern.argsInclude ?? []).every((want) => args.includes(want) || norm.includes(normalizePathArg(want)));
}
