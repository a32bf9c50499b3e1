import type { SqlStatementInfo } from '@portcullis/sql-classifier';
import { globMatch } from './glob';
import type { SqlCondition } from './rule-schema';

/**
 * Does one relation, as the classifier names it, match a rule's pattern?
 * - `schema.table` patterns match that qualified name, and also the bare `table`: an unqualified name
 *   may resolve to that schema through search_path, and a rule about a table must not be dodged by
 *   leaving the schema out.
 * - a bare `table` pattern matches the table in any schema.
 * Globs: `*` within a name part, `**` anywhere.
 */
export function relationMatches(pattern: string, relation: string): boolean {
  if (globMatch(pattern, relation, '.')) return true;
  const relParts = splitQualified(relation);
  const patParts = splitQualified(pattern);
  if (relParts.length === 1 && patParts.length === 2) return globMatch(patParts[1], relParts[0], '.');
  if (patParts.length === 1 && relParts.length === 2) return globMatch(patParts[0], relParts[1], '.');
  return false;
}

/**
 * For allow-lists (`onlyRelations`): an unqualified relation is only covered by a pattern that is
 * itself unqualified or has a wildcard schema, because the agent controls search_path.
 */
function relationCoveredStrictly(pattern: string, relation: string): boolean {
  if (globMatch(pattern, relation, '.')) return true;
  const relParts = splitQualified(relation);
  const patParts = splitQualified(pattern);
  if (patParts.length === 1 && relParts.length === 2) return globMatch(patParts[0], relParts[1], '.');
  if (relParts.length === 1 && patParts.length === 2 && patParts[0] === '*')
    return globMatch(patParts[1], relParts[0], '.');
  return false;
}

/** Splits on the dot between schema and table, respecting double-quoted parts. */
function splitQualified(name: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of name) {
    if (ch === '"') quoted = !quoted;
    if (ch === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

const anyOf = (patterns: string[], values: string[], match = (p: string, v: string) => globMatch(p, v)): boolean =>
  values.some((v) => patterns.some((p) => match(p, v)));

/** `undefined` when the condition is absent (it does not constrain), else whether it holds. */
export function when<T>(value: T | undefined, test: (v: T) => boolean): boolean | undefined {
  return value === undefined ? undefined : test(value);
}

/**
 * Conditions an allow or approval rule holds to unless it says otherwise: statements that run code we
 * cannot see, call dangerous functions, change role or run a server program are never let through by
 * a rule that merely forgot to exclude them. Deny rules take absent conditions as "any".
 */
const SAFE_DEFAULTS: SqlCondition = { dynamic: false, dangerousFunctions: false, setsRole: false, copyProgram: false };

/** Every condition given must hold; an absent condition does not constrain (but see SAFE_DEFAULTS). */
export function sqlConditionMatches(
  given: SqlCondition | undefined,
  s: SqlStatementInfo,
  effect: 'allow' | 'deny' | 'approval',
): boolean {
  const cond: SqlCondition = effect === 'deny' ? (given ?? {}) : { ...SAFE_DEFAULTS, ...given };
  const relations = [...s.relationsRead, ...s.relationsWritten];
  const checks: Array<boolean | undefined> = [
    when(cond.commands, (l) => anyOf(l, s.commands)),
    when(cond.onlyCommands, (l) => s.commands.every((c) => l.includes(c))),
    when(cond.categories, (l) => l.includes(s.category)),
    when(cond.relations, (l) => anyOf(l, relations, relationMatches)),
    when(cond.onlyRelations, (l) => relations.every((r) => l.some((p) => relationCoveredStrictly(p, r)))),
    when(cond.functions, (l) => anyOf(l, s.functions)),
    when(cond.dangerousFunctions, (v) => v === s.dangerousFunctions.length > 0),
    when(cond.dynamic, (v) => v === s.dynamic),
    when(cond.unboundedWrite, (v) => v === (s.where?.alwaysTrue === true)),
    when(cond.copyProgram, (v) => v === (s.copy?.program === true)),
    when(cond.copyDirection, (v) => s.copy?.direction === v),
    when(cond.setsRole, (v) => v === s.setsRole),
  ];
  return checks.every((c) => c !== false);
}
