import type { SqlCopyInfo, SqlWhereInfo } from './types';

/** Mutable accumulator for one top-level statement while its tree (and nested SQL) is walked. */
export class StatementFacts {
  readonly commands = new Set<string>();
  readonly relationsRead = new Set<string>();
  readonly relationsWritten = new Set<string>();
  readonly functions = new Set<string>();
  readonly dangerousFunctions = new Set<string>();
  readonly dynamicReasons = new Set<string>();
  readonly wheres: SqlWhereInfo[] = [];
  unqualifiedRelations = false;
  setsRole = false;
  /** Some classification field was derived from a literal value the fingerprint ignores. */
  literalSensitive = false;
  rowLocks = false;
  cursor = false;
  cursorName?: string;
  executes?: string;
  prepares?: string;
  copy?: SqlCopyInfo;
  transaction?: string;
  explainAnalyze?: boolean;
  setting?: string;

  addCommands(verbs: readonly string[]): void {
    for (const v of verbs) this.commands.add(v);
  }

  /**
   * Merge the facts of a statement that is planned but not run (EXPLAIN without ANALYZE): its
   * commands and row effects do not happen, so verbs, WHERE facts and written relations are not
   * carried over (written relations become read: the plan reveals them). Functions and dynamic
   * reasons are kept because the planner may evaluate immutable functions while planning.
   */
  mergePlanned(other: StatementFacts): void {
    for (const r of other.relationsRead) this.relationsRead.add(r);
    for (const r of other.relationsWritten) this.relationsRead.add(r);
    for (const f of other.functions) this.functions.add(f);
    for (const f of other.dangerousFunctions) this.dangerousFunctions.add(f);
    for (const d of other.dynamicReasons) this.dynamicReasons.add(d);
    this.unqualifiedRelations ||= other.unqualifiedRelations;
    this.literalSensitive ||= other.literalSensitive;
    this.setsRole ||= other.setsRole;
    this.executes ??= other.executes;
  }
}
