import type { MaskingRule } from '@portcullis/contracts';
import { ColumnMatcher, type ColumnRule } from './column-match';
import { DetectorSet } from './detectors';
import { maskJsonDocument } from './json-mask';
import { JsonPathSet } from './json-path';
import { genericPartial, Hasher, partialOf, REDACTED, stricter } from './strategies';
import { TextMasker } from './text-mask';
import { DETECTOR_NAMES, isDetectorName, type DetectorName, type MaskResult, type MaskStrategy } from './types';

export interface MaskerOptions {
  /**
   * HMAC key for the `hash` strategy (at least 16 bytes). Required, never defaulted: a known key
   * would let anyone hash candidate SSNs or emails and reverse the output.
   */
  hashKey: Buffer | string;
}

const STRATEGIES: ReadonlySet<string> = new Set<MaskStrategy>(['redact', 'partial', 'hash']);

/** Every detector, used only to recognise what a whole masked value is, for its `partial` hint. */
const ALL_DETECTORS = new DetectorSet(DETECTOR_NAMES);

/**
 * The masking a policy decision asks for, compiled once per decision and then applied to every
 * cell, JSON response or chunk of output. Synchronous; when nothing matches it allocates nothing
 * but its result object and hands back the input string itself.
 */
export class Masker {
  /** No rules at all: callers can skip masking entirely. */
  readonly isEmpty: boolean;
  private readonly columns: ColumnMatcher | null;
  private readonly paths: JsonPathSet | null;
  private readonly text: TextMasker;
  private readonly hasher: Hasher;

  constructor(rules: readonly MaskingRule[], opts: MaskerOptions) {
    this.hasher = new Hasher(opts.hashKey);
    const columnRules: ColumnRule[] = [];
    const pathRules: Array<{ path: string; strategy: MaskStrategy }> = [];
    const detectors = new Map<DetectorName, MaskStrategy>();
    for (const rule of rules) {
      const strategy = checkRule(rule);
      // A rule naming more than one target applies to each of them: masking more never leaks.
      if (rule.column !== undefined) columnRules.push({ pattern: rule.column, strategy });
      if (rule.jsonPath !== undefined) pathRules.push({ path: rule.jsonPath, strategy });
      if (rule.detector !== undefined) {
        const name = rule.detector as DetectorName;
        const had = detectors.get(name);
        detectors.set(name, had === undefined ? strategy : stricter(had, strategy));
      }
    }
    this.columns = columnRules.length ? new ColumnMatcher(columnRules) : null;
    this.paths = pathRules.length ? new JsonPathSet(pathRules) : null;
    this.text = new TextMasker(detectors, this.hasher);
    this.isEmpty = rules.length === 0;
  }

  /**
   * Masks one result cell. column is the broker's folded `schema.table.column` for a plain column
   * reference, or null for an expression, a function result or anything it could not trace. A
   * column rule replaces the whole value; otherwise (and always for null) the detectors scan the
   * text, so `SELECT ssn AS name`, `ssn || ''` and `row_to_json(c)` are still caught by content.
   */
  maskCell(value: string, column: string | null): MaskResult<string> {
    if (column !== null && this.columns !== null && value.length > 0) {
      const strategy = this.columns.match(column);
      if (strategy !== null) return { value: this.maskWhole(value, strategy), masked: 1 };
    }
    return this.text.mask(value);
  }

  /**
   * The strategy the column rules give column (the strictest when several match), or null. For
   * callers that must decide about a value they cannot read, such as a binary-format cell.
   */
  columnStrategy(column: string | null): MaskStrategy | null {
    return column === null || this.columns === null ? null : this.columns.match(column);
  }

  /**
   * Masks a parsed JSON document in place (the returned value is the same object unless the root
   * itself was replaced): fields selected by jsonPath rules whole, then detectors over every other
   * string value and object key.
   */
  maskJson(doc: unknown): MaskResult<unknown> {
    if (this.paths === null && this.text.size === 0) return { value: doc, masked: 0 };
    return maskJsonDocument(doc, {
      paths: this.paths,
      maskString: (s) => this.text.mask(s),
      maskWhole: (v, strategy) => this.maskJsonValue(v, strategy),
      strictest: (list) => list.reduce(stricter),
    });
  }

  /** Masks free text (terminal output, logs, error messages): detectors only. */
  maskText(text: string): MaskResult<string> {
    return this.text.mask(text);
  }

  private maskJsonValue(value: unknown, strategy: MaskStrategy): unknown {
    if (typeof value === 'string') return this.maskWhole(value, strategy);
    if (typeof value === 'object' && value !== null) {
      // An object or array has no meaningful hint; hashing its JSON keeps equal subtrees joinable.
      return strategy === 'hash' ? this.hasher.hash(JSON.stringify(value)) : REDACTED;
    }
    return this.maskWhole(String(value), strategy);
  }

  /** A whole value under a column or path rule; partial keeps the hint of the value's kind if it has one. */
  private maskWhole(value: string, strategy: MaskStrategy): string {
    if (strategy === 'redact') return REDACTED;
    if (strategy === 'hash') return this.hasher.hash(value);
    const trimmed = value.trim();
    const spans = ALL_DETECTORS.find(trimmed);
    if (spans.length === 1 && spans[0].start === 0 && spans[0].end === trimmed.length && !spans[0].merged) {
      return partialOf(spans[0].detector, trimmed);
    }
    return genericPartial(value);
  }
}

function checkRule(rule: MaskingRule): MaskStrategy {
  const id = JSON.stringify(rule.ruleId);
  if (!STRATEGIES.has(rule.strategy))
    throw new Error(`masking rule ${id}: unknown strategy ${JSON.stringify(rule.strategy)}`);
  if (rule.column === undefined && rule.jsonPath === undefined && rule.detector === undefined) {
    throw new Error(`masking rule ${id} names no column, jsonPath or detector`);
  }
  if (rule.detector !== undefined && !isDetectorName(rule.detector)) {
    throw new Error(`masking rule ${id}: unknown detector ${JSON.stringify(rule.detector)}`);
  }
  if (rule.column !== undefined && rule.column.trim() === '') throw new Error(`masking rule ${id}: empty column`);
  return rule.strategy;
}
