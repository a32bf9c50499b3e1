import { createHash } from 'node:crypto';
import {
  classifyK8sRequest,
  classifyShell,
  normalizeHttpRequest,
  type K8sRequestInfo,
  type ShellClassification,
} from '@portcullis/command-classifier';
import type { Action } from '@portcullis/contracts';
import { classifySql, initSqlParser } from '@portcullis/sql-classifier';
import { httpConditionMatches, k8sConditionMatches, shellConditionMatches, type ShellUnitFacts } from './command-match';
import type { DecisionUnit } from './engine';
import { globMatch } from './glob';
import { sqlConditionMatches } from './sql-match';

export interface ClassifiedAction {
  units: DecisionUnit[];
  fingerprint: string;
  cacheable: boolean;
  /** What the parsers said, for explanations and audit; never used to decide. */
  classification: unknown;
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

export async function initClassifiers(): Promise<void> {
  await initSqlParser();
}

/** Turns an action into the units the policy decides on, each able to say whether a rule matches it. */
export async function classifyAction(action: Action): Promise<ClassifiedAction> {
  switch (action.kind) {
    case 'connect':
      return {
        units: [{ label: 'connect', commandMatches: () => true }],
        fingerprint: 'connect',
        cacheable: true,
        classification: { kind: 'connect' },
      };
    case 'sql':
      return classifySqlAction(action.sql);
    case 'exec':
      return classifyExec(action);
    case 'k8s':
      return classifyK8s(action.method, action.path);
    case 'http':
      return classifyHttp(action.method, action.path);
    case 'mcp':
      return {
        units: [
          {
            label: `tool ${action.tool}`,
            commandMatches: (r) => !r.mcp?.tools || r.mcp.tools.some((p) => globMatch(p, action.tool)),
          },
        ],
        fingerprint: hash('mcp', action.tool),
        cacheable: true,
        classification: { tool: action.tool },
      };
  }
}

function classifySqlAction(sql: string): ClassifiedAction {
  const c = classifySql(sql);
  if (!c.ok) return unparseable(c.error ?? 'unparseable SQL', c);
  const units: DecisionUnit[] = c.statements.map((s, i) => ({
    label: `statement ${i + 1} (${s.commands[0] ?? s.kind})`,
    commandMatches: (r) => sqlConditionMatches(r.sql, s, r.effect),
  }));
  return { units, fingerprint: c.fingerprint, cacheable: c.cacheable, classification: c };
}

async function classifyExec(action: Extract<Action, { kind: 'exec' }>): Promise<ClassifiedAction> {
  const mode = action.mode;
  const modeMatches = (r: Parameters<DecisionUnit['commandMatches']>[0]) =>
    (r.execModes ?? (r.effect === 'deny' ? [mode] : ['exec'])).includes(mode);
  if (mode !== 'exec') {
    const label = mode === 'shell' ? 'interactive shell' : `${mode} ${action.command ?? ''}`.trim();
    return {
      units: [{ label, commandMatches: (r) => modeMatches(r) && shellConditionMatches(r.shell, undefined, r.effect) }],
      fingerprint: hash('exec-mode', mode, action.command ?? ''),
      cacheable: false,
      classification: { mode, command: action.command },
    };
  }
  const input = action.argv ?? action.command;
  if (input === undefined) return unparseable('an exec action needs argv or command', {});
  const c = await classifyShell(input);
  if (!c.ok) return unparseable(c.error ?? 'unparseable shell', c);
  return {
    units: shellUnits(c, (r, u) => modeMatches(r) && shellConditionMatches(r.shell, u, r.effect)),
    fingerprint: c.fingerprint,
    cacheable: !c.dynamic,
    classification: c,
  };
}

function shellUnits(
  c: ShellClassification,
  matches: (r: Parameters<DecisionUnit['commandMatches']>[0], u: ShellUnitFacts) => boolean,
): DecisionUnit[] {
  if (c.commands.length === 0)
    return [{ label: 'empty command', unparseable: 'no command to run', commandMatches: () => false }];
  return c.commands.map((command, i) => {
    const facts: ShellUnitFacts = { command, dynamic: c.dynamic || command.dynamicParts };
    return { label: `command ${i + 1} (${command.program})`, commandMatches: (r) => matches(r, facts) };
  });
}

async function classifyK8s(method: string, path: string): Promise<ClassifiedAction> {
  const req = classifyK8sRequest(method, path);
  if (!req.ok) return unparseable(req.error ?? 'unrecognised Kubernetes request', req);
  const base = (r: Parameters<DecisionUnit['commandMatches']>[0]) => k8sConditionMatches(r.k8s, req, r.effect);
  const fingerprint = hash(
    'k8s',
    req.verb,
    req.apiGroup,
    req.resource,
    req.subresource ?? '',
    req.namespace ?? '',
    req.name ?? '',
    JSON.stringify(req.execCommand ?? []),
  );
  if (!req.isExecLike || !req.execCommand || req.execCommand.length === 0) {
    return {
      units: [
        {
          label: describeK8s(req),
          commandMatches: (r) => base(r) && shellConditionMatches(r.shell, undefined, r.effect),
        },
      ],
      fingerprint,
      cacheable: !req.isExecLike,
      classification: { request: req },
    };
  }
  const shell = await classifyShell(req.execCommand);
  if (!shell.ok) return unparseable(shell.error ?? 'unparseable exec command', { request: req, shell });
  return {
    units: shellUnits(shell, (r, u) => base(r) && shellConditionMatches(r.shell, u, r.effect)),
    fingerprint,
    cacheable: false,
    classification: { request: req, shell },
  };
}

function classifyHttp(method: string, path: string): ClassifiedAction {
  const req = normalizeHttpRequest(method, path);
  if (!req.ok) return unparseable(req.error ?? 'unrecognised HTTP request', req);
  return {
    units: [{ label: `${req.method} ${req.path}`, commandMatches: (r) => httpConditionMatches(r.http, req) }],
    fingerprint: hash('http', req.method, req.path),
    cacheable: true,
    classification: req,
  };
}

function describeK8s(r: K8sRequestInfo): string {
  const what = [r.resource, r.subresource].filter(Boolean).join('/');
  return `${r.verb} ${what}${r.namespace ? ` in ${r.namespace}` : ''}`;
}

function unparseable(error: string, classification: unknown): ClassifiedAction {
  return {
    units: [{ label: 'command', unparseable: error, commandMatches: () => false }],
    fingerprint: hash('unparseable', error),
    cacheable: false,
    classification,
  };
}
