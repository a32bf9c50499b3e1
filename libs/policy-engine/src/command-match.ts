import {
  matchesCommandPattern,
  type K8sRequestInfo,
  type NormalizedHttpRequest,
  type ShellCommand,
} from '@portcullis/command-classifier';
import { globMatch } from './glob';
import type { HttpCondition, K8sCondition, PolicyRule, ShellCondition } from './rule-schema';
import { when } from './sql-match';

type Effect = PolicyRule['effect'];

/**
 * One shell command as a rule sees it. `dynamic` is true when the command line as a whole runs code
 * that is only known at run time, or this command has words whose values are unknown.
 */
export interface ShellUnitFacts {
  command: ShellCommand;
  dynamic: boolean;
}

/** Allow and approval rules never match dynamic shell unless they say `dynamic: true`. */
export function shellConditionMatches(
  given: ShellCondition | undefined,
  u: ShellUnitFacts | undefined,
  effect: Effect,
): boolean {
  if (!given) return effect === 'deny' || u === undefined || !u.dynamic;
  if (!u) return false;
  const cond: ShellCondition = effect === 'deny' ? given : { dynamic: false, ...given };
  const checks = [
    when(cond.programs, (programs) =>
      matchesCommandPattern(u.command, {
        program: programs,
        ...(cond.flags ? { flags: cond.flags } : {}),
        ...(cond.argsInclude ? { argsInclude: cond.argsInclude } : {}),
      }),
    ),
    when(cond.onlyPrograms, (l) => l.includes(u.command.program)),
    when(cond.dynamic, (v) => v === u.dynamic),
  ];
  return checks.every((c) => c !== false);
}

/** Allow and approval rules never match exec/attach/port-forward unless they say `execLike: true`. */
export function k8sConditionMatches(given: K8sCondition | undefined, r: K8sRequestInfo, effect: Effect): boolean {
  const cond: K8sCondition = effect === 'deny' ? (given ?? {}) : { execLike: false, ...given };
  const checks = [
    when(cond.verbs, (l) => l.includes(r.verb)),
    when(cond.resources, (l) =>
      l.some(
        (p) => globMatch(p, r.apiGroup === '' ? r.resource : `${r.resource}.${r.apiGroup}`) || globMatch(p, r.resource),
      ),
    ),
    when(cond.subresources, (l) => r.subresource !== undefined && l.includes(r.subresource)),
    when(cond.namespaces, (l) => r.namespace !== undefined && l.some((p) => globMatch(p, r.namespace!))),
    when(cond.execLike, (v) => v === r.isExecLike),
  ];
  return checks.every((c) => c !== false);
}

/** Paths are globs over the normalised path: `*` stays within one segment, `**` crosses them. */
export function httpConditionMatches(cond: HttpCondition | undefined, r: NormalizedHttpRequest): boolean {
  if (!cond) return true;
  const checks = [
    when(cond.methods, (l) => l.map((m) => m.toUpperCase()).includes(r.method)),
    when(cond.paths, (l) => l.some((p) => globMatch(p, r.path, '/'))),
  ];
  return checks.every((c) => c !== false);
}
