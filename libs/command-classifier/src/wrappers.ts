import type { Field } from './shell-expand';

/** What running argv amounts to, one wrapper at a time. */
export type Step =
  /** argv runs another command: keep unwrapping `argv`. */
  | { kind: 'exec'; label: string; argv: Field[]; env?: Field[]; appendsInput?: boolean; reasons?: string[] }
  /** argv runs a shell on a program string. */
  | { kind: 'shell'; label: string; script: Field; positional: Field[]; appendsInput?: boolean; reasons?: string[] }
  /** argv is a shell (or su/login) taking its program from stdin or the terminal. */
  | { kind: 'stdin-shell'; label: string }
  /** argv itself is the command; `also` are further commands it runs (find -exec). */
  | { kind: 'self'; also?: Step[]; reasons?: string[] };

const NOT_BASH = new Set(['zsh', 'fish', 'csh', 'tcsh']);
export const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'ash',
  'rbash',
  'yash',
  'posh',
  'lksh',
  'pdksh',
  'fish',
  'csh',
  'tcsh',
]);

/** Variables whose assignment changes what later words or programs mean. */
export const SENSITIVE_VARS =
  /^(IFS|PATH|BASH_ENV|ENV|PROMPT_COMMAND|PS[0-4]|SHELLOPTS|BASHOPTS|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|BASH_FUNC_.*|GLOBIGNORE|BASH_XTRACEFD|PERL5OPT|PYTHONSTARTUP|PYTHONPATH|NODE_OPTIONS|GIT_SSH_COMMAND|GIT_EXTERNAL_DIFF)$/;

export function basename(p: string): string {
  let end = p.length;
  while (end > 1 && p[end - 1] === '/') end--;
  return p.slice(p.lastIndexOf('/', end - 1) + 1, end);
}

const lit = (value: string): Field => ({ value, dynamic: false });

interface Opts {
  /** Short options that take the next word (or the rest of their cluster) as argument. */
  arg?: string;
  /** Short options whose argument, if any, is attached (`-i{}`). */
  optArg?: string;
  /** Long options that take the next word when written without '='. */
  long?: string[];
  /** Treat `-NUM` clusters and a lone '-' as options (nice, env). */
  dash?: boolean;
}

interface Scan {
  /** Index of the first operand. */
  at: number;
  /** Options seen, short as '-x', long as '--name', with their argument ('' for flags). */
  seen: Map<string, Field>;
}

/** Reads `--name[=value]`; returns how many extra words it consumed. */
function longOpt(argv: Field[], i: number, o: Opts, seen: Map<string, Field>): number {
  const a = (argv[i] as Field).value;
  const eq = a.indexOf('=');
  const name = eq < 0 ? a : a.slice(0, eq);
  if (eq >= 0) seen.set(name, lit(a.slice(eq + 1)));
  else if (o.long?.includes(name.slice(2))) {
    seen.set(name, argv[i + 1] ?? lit(''));
    return 1;
  } else seen.set(name, lit(''));
  return 0;
}

/** Reads a short-option cluster such as `-xvf file`; returns how many extra words it consumed. */
function shortOpts(argv: Field[], i: number, o: Opts, seen: Map<string, Field>): number {
  const a = (argv[i] as Field).value;
  for (let j = 1; j < a.length; j++) {
    const ch = a[j] as string;
    const rest = a.slice(j + 1);
    if (o.arg?.includes(ch)) {
      seen.set(`-${ch}`, rest ? lit(rest) : (argv[i + 1] ?? lit('')));
      return rest ? 0 : 1;
    }
    seen.set(`-${ch}`, lit(o.optArg?.includes(ch) ? rest : ''));
    if (o.optArg?.includes(ch)) return 0;
  }
  return 0;
}

/** getopt-style scan stopping at the first operand; a dynamic word stops it too (we cannot tell). */
function scan(argv: Field[], from: number, o: Opts): Scan {
  const seen = new Map<string, Field>();
  let i = from;
  for (; i < argv.length; i++) {
    const f = argv[i] as Field;
    const a = f.value;
    if (f.dynamic) break;
    if (a === '--') return { at: i + 1, seen };
    if (a === '-' && o.dash) seen.set('-', lit(''));
    else if (!a.startsWith('-') || a === '-') break;
    else i += a.startsWith('--') ? longOpt(argv, i, o, seen) : shortOpts(argv, i, o, seen);
  }
  return { at: i, seen };
}

const has = (s: Scan, ...names: string[]): boolean => names.some((n) => s.seen.has(n));
const self: Step = { kind: 'self' };
const exec = (label: string, argv: Field[], extra: Partial<Extract<Step, { kind: 'exec' }>> = {}): Step =>
  argv.length ? { kind: 'exec', label, argv, ...extra } : self;

/** Joins words into one shell program, as ssh, watch and parallel do. */
function joined(words: Field[]): Field {
  return { value: words.map((w) => w.value).join(' '), dynamic: words.some((w) => w.dynamic) };
}

const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** env takes any NAME=VALUE, including names a shell could not write (BASH_FUNC_ls%%=…). */
const ENV_ASSIGN = /^[^=]+=/;

function leadingAssignments(argv: Field[], from: number, re = ASSIGN): number {
  let i = from;
  while (i < argv.length && !(argv[i] as Field).dynamic && re.test((argv[i] as Field).value)) i++;
  return i;
}

/** Script paths that are really stdin or a pipe: `sh /dev/stdin <<<…`, `bash <(curl …)`. */
export function isStdinPath(f: Field): boolean {
  return f.dynamic || /^\/(dev\/(stdin|fd\/\d+|tcp\/|udp\/)|proc\/[^/]+\/fd\/)/.test(f.value);
}

/** A shell's own options: whether -c or -s was given, and where its operands start. */
function shellOptions(argv: Field[]): { c: boolean; s: boolean; at: number } {
  const out = { c: false, s: false, at: 1 };
  for (; out.at < argv.length; out.at++) {
    const f = argv[out.at] as Field;
    const a = f.value;
    if (f.dynamic) break;
    if (a === '--' || a === '-') {
      out.at++;
      break;
    }
    if (a.startsWith('--')) {
      if (a === '--rcfile' || a === '--init-file') out.at++;
      if (a === '--command') out.c = true;
      continue;
    }
    if (!/^[-+][A-Za-z]+$/.test(a)) break;
    for (const ch of a.slice(1)) {
      if (ch === 'c') out.c = true;
      else if (ch === 's') out.s = true;
      // -o/-O take the option name as the next word
      else if (ch === 'o' || ch === 'O') out.at++;
    }
  }
  return out;
}

/** Parses a shell's own arguments: `bash -lc 'cmd' name args`, `sh script`, `sh -s`, `sh`. */
function shellInvocation(name: string, argv: Field[]): Step {
  const { c, s, at } = shellOptions(argv);
  const operands = argv.slice(at);
  if (c) {
    const script = operands[0];
    if (!script) return { kind: 'self', reasons: [`${name} -c without a program`] };
    const step: Step = { kind: 'shell', label: `${name} -c`, script, positional: operands.slice(1) };
    // zsh glob qualifiers (`*(e:'cmd':)`), fish and csh syntax run code that bash rules read as text
    return NOT_BASH.has(name) ? { ...step, reasons: [`${name} program read with bash rules`] } : step;
  }
  if (s || !operands.length) return { kind: 'stdin-shell', label: name };
  if (isStdinPath(operands[0] as Field))
    return { kind: 'self', reasons: [`${name} runs a script from ${(operands[0] as Field).value}`] };
  return self;
}

function find(argv: Field[]): Step {
  const also: Step[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = (argv[i] as Field).value;
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(a)) continue;
    let j = i + 1;
    while (
      j < argv.length &&
      !((argv[j] as Field).value === ';' || ((argv[j] as Field).value === '+' && (argv[j - 1] as Field).value === '{}'))
    )
      j++;
    // `{}` becomes each file found: the exec'd argv is only partly known
    also.push({ kind: 'exec', label: `find ${a}`, argv: argv.slice(i + 1, j), appendsInput: true });
    i = j;
  }
  return { kind: 'self', also };
}

type Unwrapper = (argv: Field[]) => Step;

const WRAPPERS: Record<string, Unwrapper> = {
  sudo(argv) {
    const s = scan(argv, 1, {
      arg: 'CDghprRtTUu',
      long: [
        'user',
        'group',
        'host',
        'prompt',
        'close-from',
        'chdir',
        'chroot',
        'role',
        'type',
        'command-timeout',
        'other-user',
      ],
    });
    if (
      has(s, '-e', '--edit', '-l', '--list', '-v', '--validate', '-k', '-K', '--reset-timestamp', '--remove-timestamp')
    )
      return self;
    const at = leadingAssignments(argv, s.at);
    if (at >= argv.length && has(s, '-i', '-s', '--login', '--shell')) return { kind: 'stdin-shell', label: 'sudo -i' };
    return exec('sudo', argv.slice(at), { env: argv.slice(s.at, at) });
  },
  doas(argv) {
    const s = scan(argv, 1, { arg: 'uC' });
    if (has(s, '-C')) return self;
    if (s.at >= argv.length && has(s, '-s')) return { kind: 'stdin-shell', label: 'doas -s' };
    return exec('doas', argv.slice(s.at));
  },
  env(argv) {
    const s = scan(argv, 1, {
      arg: 'uCPS',
      long: ['unset', 'chdir', 'split-string', 'default-signal', 'ignore-signal', 'block-signal'],
      dash: true,
    });
    const at = leadingAssignments(argv, s.at, ENV_ASSIGN);
    const split = s.seen.get('-S') ?? s.seen.get('--split-string');
    const rest = argv.slice(at);
    if (split !== undefined) {
      // env -S has its own quoting; a plain split shows the program, the flag marks the rest unknown
      const words = split.value
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => lit(w.replace(/^['"]|['"]$/g, '')));
      return exec('env -S', [...words, ...rest], {
        env: argv.slice(s.at, at),
        reasons: ['env -S splits a string into a command'],
      });
    }
    return exec('env', rest, { env: argv.slice(s.at, at) });
  },
  timeout(argv) {
    const s = scan(argv, 1, { arg: 'sk', long: ['signal', 'kill-after'] });
    return exec('timeout', argv.slice(s.at + 1));
  },
  nice(argv) {
    const s = scan(argv, 1, { arg: 'n', long: ['adjustment'] });
    return exec('nice', argv.slice(s.at));
  },
  nohup: (argv) => exec('nohup', argv.slice(scan(argv, 1, {}).at)),
  setsid: (argv) => exec('setsid', argv.slice(scan(argv, 1, {}).at)),
  builtin: (argv) => exec('builtin', argv.slice(1)),
  ionice(argv) {
    const s = scan(argv, 1, { arg: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] });
    return has(s, '-p', '-P', '-u', '--pid', '--pgid', '--uid') ? self : exec('ionice', argv.slice(s.at));
  },
  stdbuf: (argv) => exec('stdbuf', argv.slice(scan(argv, 1, { arg: 'ioe', long: ['input', 'output', 'error'] }).at)),
  time: (argv) => exec('time', argv.slice(scan(argv, 1, { arg: 'fo', long: ['format', 'output'] }).at)),
  command(argv) {
    const s = scan(argv, 1, {});
    return has(s, '-v', '-V') ? self : exec('command', argv.slice(s.at));
  },
  exec: (argv) => exec('exec', argv.slice(scan(argv, 1, { arg: 'a' }).at)),
  xargs(argv) {
    const s = scan(argv, 1, {
      arg: 'adEILnPs',
      optArg: 'iel',
      long: ['arg-file', 'delimiter', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
    });
    const rest = argv.slice(s.at);
    return exec('xargs', rest.length ? rest : [lit('echo')], { appendsInput: true });
  },
  busybox: (argv) => (argv[1] && !argv[1].value.startsWith('-') ? exec('busybox', argv.slice(1)) : self),
  chroot(argv) {
    const s = scan(argv, 1, { long: ['userspec', 'groups'] });
    if (s.at >= argv.length) return self;
    return argv.length > s.at + 1 ? exec('chroot', argv.slice(s.at + 1)) : { kind: 'stdin-shell', label: 'chroot' };
  },
  watch(argv) {
    const s = scan(argv, 1, { arg: 'nq', optArg: 'd', long: ['interval', 'equexit'] });
    const rest = argv.slice(s.at);
    if (!rest.length) return self;
    return has(s, '-x', '--exec')
      ? exec('watch', rest)
      : { kind: 'shell', label: 'watch', script: joined(rest), positional: [] };
  },
  strace(argv) {
    const s = scan(argv, 1, {
      arg: 'abeEIOopPsSuUX',
      long: ['output', 'expr', 'signal', 'trace', 'user', 'env', 'attach'],
    });
    return exec('strace', argv.slice(s.at));
  },
  ltrace: (argv) => exec('ltrace', argv.slice(scan(argv, 1, { arg: 'aAeEFlnopsSuwxX', long: ['output'] }).at)),
  flock(argv) {
    const s = scan(argv, 1, { arg: 'wE', long: ['timeout', 'wait', 'conflict-exit-code'] });
    const flag = argv[s.at + 1]?.value;
    if ((flag === '-c' || flag === '--command') && argv[s.at + 2]) {
      return { kind: 'shell', label: 'flock -c', script: argv[s.at + 2] as Field, positional: [] };
    }
    return exec('flock', argv.slice(s.at + 1));
  },
  parallel(argv) {
    const s = scan(argv, 1, {
      arg: 'aIdESnNLPsj',
      long: [
        'jobs',
        'arg-file',
        'sshlogin',
        'delimiter',
        'colsep',
        'joblog',
        'results',
        'tmpdir',
        'workdir',
        'env',
        'basefile',
      ],
    });
    const rest = argv.slice(s.at);
    const end = rest.findIndex((f) => /^:{3,4}\+?$/.test(f.value));
    const cmd = end < 0 ? rest : rest.slice(0, end);
    if (!cmd.length) return { kind: 'self', reasons: ['parallel runs commands read from its input'] };
    // GNU parallel hands the joined command line to a shell, with input appended
    return { kind: 'shell', label: 'parallel', script: joined(cmd), positional: [], appendsInput: true };
  },
  su: (argv) => suLike('su', argv),
  runuser: (argv) => suLike('runuser', argv),
  ssh(argv) {
    const s = scan(argv, 1, { arg: 'bcDEeFIiJLlmOopQRSWwB' });
    const reasons = [...s.seen.entries()]
      .filter(
        ([k, v]) =>
          k === '-o' &&
          (v.dynamic || /^(ProxyCommand|LocalCommand|KnownHostsCommand|PermitLocalCommand)\b/i.test(v.value)),
      )
      .map(([, v]) => `ssh option may run a local command: ${v.value.split(/[ =]/)[0]}`);
    // OpenSSH parses options after the host too, and `--` ends them
    const remote = argv.slice(scan(argv, s.at + 1, { arg: 'bcDEeFIiJLlmOopQRSWwB' }).at);
    if (!remote.length) return { kind: 'self', reasons: [...reasons, 'interactive remote shell'] };
    // ssh joins its arguments with spaces and the remote shell parses them again
    return { kind: 'shell', label: 'ssh', script: joined(remote), positional: [], reasons };
  },
  script(argv) {
    const s = scan(argv, 1, {
      arg: 'cEIOBTm',
      long: ['command', 'echo', 'log-in', 'log-out', 'log-io', 'log-timing', 'logging-format'],
    });
    const c = s.seen.get('-c') ?? s.seen.get('--command');
    return c !== undefined
      ? { kind: 'shell', label: 'script -c', script: c, positional: [] }
      : { kind: 'stdin-shell', label: 'script' };
  },
  find,
  kubectl: (argv) => podExec('kubectl', argv),
  oc: (argv) => podExec('oc', argv),
  docker(argv) {
    if (argv[1]?.value !== 'exec') return self;
    const s = scan(argv, 2, { arg: 'euw', long: ['env', 'env-file', 'user', 'workdir', 'detach-keys'] });
    return exec('docker exec', argv.slice(s.at + 1));
  },
};

/** `kubectl exec pod -- cmd…`: the command runs in the pod, so policy should see it too. */
function podExec(name: string, argv: Field[]): Step {
  const dash = argv.findIndex((f) => f.value === '--');
  if (dash < 0 || !argv.slice(1, dash).some((f) => f.value === 'exec')) return self;
  return { kind: 'self', also: [{ kind: 'exec', label: `${name} exec`, argv: argv.slice(dash + 1) }] };
}

function suLike(name: string, argv: Field[]): Step {
  const s = scan(argv, 1, {
    arg: 'cCsgGw',
    long: ['command', 'session-command', 'shell', 'group', 'supp-group', 'whitelist-environment'],
    dash: true,
  });
  const c = s.seen.get('-c') ?? s.seen.get('--command') ?? s.seen.get('--session-command') ?? s.seen.get('-C');
  if (c !== undefined) return { kind: 'shell', label: `${name} -c`, script: c, positional: [] };
  return { kind: 'stdin-shell', label: name };
}

/** One unwrapping step for argv whose first word is static. */
export function unwrapStep(argv: Field[]): Step {
  const prog = basename((argv[0] as Field).value);
  if (SHELLS.has(prog)) return shellInvocation(prog, argv);
  const w = Object.prototype.hasOwnProperty.call(WRAPPERS, prog) ? WRAPPERS[prog] : undefined;
  return w ? w(argv) : self;
}
