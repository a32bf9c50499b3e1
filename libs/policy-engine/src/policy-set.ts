import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatKeyPath, positionOf, type LoadedConfig } from '@portcullis/config';
import { isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ruleSchema, type PolicyRule } from './rule-schema';

export interface PolicySet {
  rules: PolicyRule[];
  /** Content hash: equal documents give equal versions on every replica. */
  version: string;
  sources: string[];
}

/** Problems in policy documents, each naming file, line, column and key. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy:\n  ${problems.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

interface Located {
  file: string;
  doc: Document.Parsed;
  lc: LineCounter;
  basePath: Array<string | number>;
}

/** Reads the policies named by the config: inline rules, or every *.yaml / *.yml file of a directory. */
export function loadPolicySet(loaded: LoadedConfig): PolicySet {
  const section = loaded.config.policies;
  if (Array.isArray(section)) {
    return buildPolicySet([
      { file: loaded.path, doc: loaded.document, lc: loaded.lineCounter, basePath: ['policies'] },
    ]);
  }
  return loadPolicyDirectory(section.directory);
}

export function loadPolicyDirectory(dir: string): PolicySet {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
  } catch (err) {
    throw new PolicyError([`${dir}: cannot read policy directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return buildPolicySet(files.map((f) => parsePolicyFile(join(dir, f), readFileSync(join(dir, f), 'utf8'))));
}

export function parsePolicyText(text: string, file: string): PolicySet {
  return buildPolicySet([parsePolicyFile(file, text)]);
}

function parsePolicyFile(file: string, text: string): Located {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      doc.errors.map((e) => {
        const p = lc.linePos(e.pos[0]);
        return `${file}:${p.line}:${p.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  // A policy file is either a list of rules or a mapping with a `policies` list.
  const basePath = isSeq(doc.contents) ? [] : ['policies'];
  return { file, doc, lc, basePath };
}

function buildPolicySet(sources: Located[]): PolicySet {
  const problems: string[] = [];
  const rules: PolicyRule[] = [];
  const seen = new Map<string, string>();
  for (const src of sources) {
    const raw = src.basePath.length === 0 ? src.doc.toJS() : src.doc.getIn(src.basePath);
    const list: unknown =
      raw && typeof raw === 'object' && 'toJSON' in raw ? (raw as { toJSON(): unknown }).toJSON() : raw;
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      problems.push(
        `${positionOf(src.doc, src.lc, src.basePath, src.file)}: ${formatKeyPath(src.basePath) || '(top level)'}: must be a list of rules`,
      );
      continue;
    }
    list.forEach((item, i) => {
      const path = [...src.basePath, i];
      const parsed = ruleSchema.safeParse(item);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const keys = [...path, ...issue.path];
          const what = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message;
          problems.push(`${positionOf(src.doc, src.lc, keys, src.file)}: ${formatKeyPath(keys)}: ${what}`);
        }
        return;
      }
      const where = positionOf(src.doc, src.lc, path, src.file);
      const earlier = seen.get(parsed.data.id);
      if (earlier)
        problems.push(
          `${where}: ${formatKeyPath([...path, 'id'])}: duplicate rule id ${parsed.data.id} (first at ${earlier})`,
        );
      seen.set(parsed.data.id, where);
      rules.push(parsed.data);
    });
  }
  if (problems.length > 0) throw new PolicyError(problems);
  const version = createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 16);
  return { rules, version, sources: sources.map((s) => s.file) };
}
