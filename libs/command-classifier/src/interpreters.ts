import type { Field } from './shell-expand';
import { basename, isStdinPath } from './wrappers';

/**
 * Programs that run code handed to them as text. Their argv says nothing about what the
 * code does, so the line is dynamic. Running a script *file* is not flagged: that is no
 * different from running a binary, and the policy sees the program and its path.
 */
interface Interp {
  names: RegExp;
  /** Short options (in any cluster) whose presence means inline code. */
  code?: string;
  /** Long (or single-dash word) options meaning inline code, lower-case. */
  longCode?: string[];
  /** Short options taking the next word; needed to find the first operand. */
  arg?: string;
  /** With no script operand the program is read from stdin / the terminal. */
  stdin?: boolean;
}

const INTERPS: Interp[] = [
  { names: /^(python[0-9.]*|pypy[0-9.]*)$/, code: 'c', arg: 'WXm', stdin: true },
  { names: /^perl[0-9.]*$/, code: 'eE', stdin: true },
  { names: /^(ruby|jruby|irb)$/, code: 'e', arg: 'IrCEF', stdin: true },
  { names: /^(node|nodejs|bun)$/, code: 'ep', longCode: ['--eval', '--print'], arg: 'r', stdin: true },
  { names: /^php[0-9.]*$/, code: 'rRBE', arg: 'cdfz', stdin: true },
  { names: /^(lua[0-9.]*|luajit)$/, code: 'e', arg: 'l', stdin: true },
  { names: /^(Rscript|R)$/, code: 'e', longCode: ['--expr'] },
  { names: /^julia$/, code: 'eE', longCode: ['--eval', '--print'], stdin: true },
  { names: /^(osascript)$/, code: 'e' },
  { names: /^(pwsh|powershell)(\.exe)?$/, longCode: ['-c', '-command', '-encodedcommand', '-ec', '-e'], stdin: true },
  { names: /^(tclsh[0-9.]*|wish[0-9.]*|expect)$/, code: 'c', stdin: true },
  { names: /^(gdb)$/, longCode: ['-ex', '--ex', '-eval-command', '--eval-command', '-iex'] },
  { names: /^(vim?|nvim|ex|view)$/, code: 'c', longCode: ['--cmd'] },
  { names: /^(jshell|ghci|scala|groovysh|sqlite3)$/ },
];

const VERSION_OR_HELP = new Set(['-v', '-V', '--version', '-h', '--help', '-version', '-help']);

/** undefined: not decided by this word; null: decided, no code; string: the reason. */
type Verdict = string | null | undefined;

function wordVerdict(prog: string, spec: Interp, f: Field, first: boolean): Verdict {
  const a = f.value;
  if (f.dynamic && first) return `${prog} with computed arguments`;
  const long = a.toLowerCase().split('=')[0] as string;
  if (spec.longCode?.includes(long)) return `${prog} ${long} runs inline code`;
  if (a.startsWith('+') && /^(vim?|nvim|ex|view)$/.test(prog)) return `${prog} ${a} runs an editor command`;
  if (VERSION_OR_HELP.has(a)) return null;
  return undefined;
}

/** Looks through one short-option cluster; `skip` when its last option takes the next word. */
function clusterVerdict(prog: string, spec: Interp, a: string): { verdict: Verdict; skip: boolean } {
  for (let j = 1; j < a.length; j++) {
    const ch = a[j] as string;
    if (spec.code?.includes(ch)) return { verdict: `${prog} -${ch} runs inline code`, skip: false };
    if (!spec.arg?.includes(ch)) continue;
    // python -m module names a program, like a script file does
    if (ch === 'm') return { verdict: null, skip: false };
    return { verdict: undefined, skip: j === a.length - 1 };
  }
  return { verdict: undefined, skip: false };
}

function interpreterReason(prog: string, argv: Field[]): string | null {
  if (prog === 'deno' && argv[1]?.value === 'eval') return 'deno eval runs inline code';
  const spec = INTERPS.find((s) => s.names.test(prog));
  if (!spec) return null;
  for (let i = 1; i < argv.length; i++) {
    const f = argv[i] as Field;
    const a = f.value;
    const v = wordVerdict(prog, spec, f, i === 1);
    if (v !== undefined) return v;
    if (a === '-') break;
    if (a === '--' || !a.startsWith('-')) {
      const script = a === '--' ? argv[i + 1] : f;
      if (script && isStdinPath(script)) return `${prog} runs a program from ${script.value}`;
      return null;
    }
    if (a.startsWith('--')) continue;
    const c = clusterVerdict(prog, spec, a);
    if (c.verdict !== undefined) return c.verdict;
    if (c.skip) i++;
  }
  if (spec.stdin) return `${prog} reads its program from stdin or the terminal`;
  return spec.code || spec.longCode ? null : `${prog} is an interactive interpreter`;
}

/** awk's program text can call system(), pipe to or from commands. */
function awkReason(prog: string, argv: Field[]): string | null {
  let i = 1;
  const sources: Field[] = [];
  let fromFile = false;
  for (; i < argv.length; i++) {
    const a = (argv[i] as Field).value;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (/^-[fvFiel]$/.test(a) || /^--(file|assign|field-separator|source|include|load|exec)$/.test(a)) {
      const next = argv[++i];
      if (/^-(f|-file|-exec)$/.test(a) || a === '--exec') fromFile = true;
      if (/^-(e|-source)$/.test(a) && next) sources.push(next);
      if (/^-(l|-load)$/.test(a)) return `${prog} loads an extension`;
    }
  }
  if (!sources.length && !fromFile && argv[i]) sources.push(argv[i] as Field);
  for (const src of sources) {
    if (src.dynamic) return `${prog} program is computed at run time`;
    if (/\bsystem\s*\(|\|/.test(src.value)) return `${prog} program runs commands (system() or pipes)`;
  }
  return null;
}

/** GNU sed's `e` command and `s///e` flag run the pattern space through a shell. */
function sedReason(argv: Field[]): string | null {
  const scripts: Field[] = [];
  let explicit = false;
  let operand: Field | undefined;
  for (let i = 1; i < argv.length; i++) {
    const f = argv[i] as Field;
    if (f.value === '-e' || f.value === '--expression') {
      explicit = true;
      const next = argv[++i];
      if (next) scripts.push(next);
    } else if (f.value.startsWith('--expression=')) {
      explicit = true;
      scripts.push({ value: f.value.slice(13), dynamic: f.dynamic });
    } else if (/^-[^-]*e./.test(f.value)) {
      explicit = true;
      scripts.push({ value: f.value.slice(f.value.indexOf('e') + 1), dynamic: f.dynamic });
    } else if (f.value === '-f' || f.value === '--file') {
      explicit = true;
      i++;
    } else if (!operand && !f.value.startsWith('-')) operand = f;
  }
  if (!explicit && operand) scripts.push(operand);
  for (const s of scripts) {
    if (s.dynamic) return 'sed script is computed at run time';
    const sFlags = /s([^\\\n])(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1([A-Za-z0-9]*)/g;
    for (const m of s.value.matchAll(sFlags))
      if ((m[2] ?? '').includes('e')) return 'sed s///e runs the result as a command';
    if (
      /(?:^|[;\n{}])\s*(?:[0-9$]+|\/(?:\\.|[^/])*\/)?\s*(?:,\s*(?:[0-9$]+|\/(?:\\.|[^/])*\/))?\s*!?\s*e(?:\s|;|$)/.test(
        s.value,
      )
    ) {
      return 'sed e command runs a shell command';
    }
  }
  return null;
}

const OPTION_RUNS_COMMAND: [RegExp, RegExp, string][] = [
  [
    /^tar$|^bsdtar$/,
    /^(--to-command|--checkpoint-action=exec|--use-compress-program|-I$|--info-script|--new-volume-script|-F$)/,
    'tar option runs a command',
  ],
  [/^rsync$/, /^(-e$|--rsh|--rsync-path)/, 'rsync runs a remote-shell command'],
  [
    /^git$/,
    /^(--upload-pack|--receive-pack|--exec=|-u$)|^(core\.(sshCommand|pager|editor|fsmonitor|hooksPath)|alias\.[^=]*=!|.*\.(command|cmd|helper))=|^ext::/i,
    'git option runs a command',
  ],
  [/^zip$/, /^(-TT|--unzip-command)/, 'zip runs a test command'],
  [/^(less|more|man)$/, /^-P|^--pager/, 'pager option runs a command'],
];

const has = (argv: Field[], re: RegExp): boolean => argv.slice(1).some((f) => re.test(f.value));

/** Shell builtins and schedulers whose arguments carry code or rebind commands. */
const BUILTIN_CODE: [RegExp, (argv: Field[]) => boolean, (prog: string) => string][] = [
  [/^(source|\.)$/, () => true, (p) => `${p} runs a script file in the current shell`],
  [/^fc$/, (a) => !has(a, /^-l$/), () => 'fc re-runs commands from history'],
  [/^enable$/, (a) => has(a, /^-[a-z]*f/), () => 'enable -f loads a builtin from a file'],
  [/^hash$/, (a) => has(a, /^-[a-z]*p/), () => 'hash -p maps a command name to another file'],
  [/^(mapfile|readarray)$/, (a) => has(a, /^-[a-z]*C/), (p) => `${p} -C runs a callback`],
  [/^(at|batch)$/, (a) => !has(a, /^-[lrdc]/), (p) => `${p} schedules commands read from stdin`],
];

/** Reasons why running this argv executes code that its argv does not show. */
export function codeReasons(argv: Field[]): string[] {
  const prog = basename((argv[0] as Field).value);
  const out: string[] = [];
  const awk = /^(awk|gawk|mawk|nawk)$/.test(prog);
  const r = awk ? awkReason(prog, argv) : /^g?sed$/.test(prog) ? sedReason(argv) : interpreterReason(prog, argv);
  if (r) out.push(r);
  for (const [names, opt, why] of OPTION_RUNS_COMMAND) if (names.test(prog) && has(argv, opt)) out.push(why);
  for (const [names, when, why] of BUILTIN_CODE) if (names.test(prog) && when(argv)) out.push(why(prog));
  return out;
}
