import { readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodIssue } from 'zod';
import { applyEnvOverrides } from './env-overrides';
import { portcullisConfigSchema, type PortcullisConfig } from './schema';

export const DEFAULT_CONFIG_PATH = 'config/portcullis.yaml';

/** Every problem in a config, each one line naming the file position, the key and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  path: string;
  config: PortcullisConfig;
  /** The parsed document, kept so services that validate their own sections can point at lines. */
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.PORTCULLIS_CONFIG && env.PORTCULLIS_CONFIG !== '' ? env.PORTCULLIS_CONFIG : DEFAULT_CONFIG_PATH;
}

export function loadConfig(path = configPathFromEnv(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([`${path}: cannot read config file (${code}); set PORTCULLIS_CONFIG to its path`]);
  }
  return parseConfig(text, path, env);
}

export function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `${path}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${path}: the top level must be a mapping of sections`]);
  }
  const envProblems = applyEnvOverrides(raw as Record<string, unknown>, env);
  const result = portcullisConfigSchema.safeParse(raw);
  const problems = [...envProblems];
  if (!result.success) problems.push(...result.error.issues.map((i) => describeIssue(i, document, lineCounter, path)));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return { path, config: result.data, document, lineCounter };
}

function describeIssue(issue: ZodIssue, doc: Document.Parsed, lc: LineCounter, file: string): string {
  const keys = issue.path;
  const key = formatKeyPath(keys);
  const extra =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : issue.message;
  return `${positionOf(doc, lc, keys, file)}: ${key === '' ? '(top level)' : key}: ${extra}`;
}

/** The nearest existing node for a key path, so even a missing key points at its parent's line. */
export function positionOf(
  doc: Document.Parsed,
  lc: LineCounter,
  keys: ReadonlyArray<string | number>,
  file: string,
): string {
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const range = node?.range ?? (n === 0 && isMap(doc.contents) ? doc.contents.range : undefined);
    if (range) {
      const pos = lc.linePos(range[0]);
      return `${file}:${pos.line}:${pos.col}`;
    }
  }
  return file;
}

export function formatKeyPath(keys: ReadonlyArray<string | number>): string {
  return keys.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc === '' ? k : `${acc}.${k}`), '');
}
