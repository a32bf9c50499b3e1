import { stricter } from './strategies';
import type { MaskStrategy } from './types';

/**
 * Splits `schema.table.column` on dots outside double quotes and folds each part as Postgres folds
 * identifiers: unquoted parts lower-case (ASCII only, like downcase_identifier), quoted parts keep
 * their case and lose the quotes (`""` is a quote). Returns glob tokens: `*` and `**` stay special
 * only outside quotes.
 */
export function parseColumnPattern(pattern: string): string[][] {
  const parts: string[][] = [[]];
  let quoted = false;
  let literal = '';
  const flush = (): void => {
    if (literal) parts[parts.length - 1].push(literal);
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '"') {
      if (quoted && pattern[i + 1] === '"') literal += pattern[++i];
      else quoted = !quoted;
    } else if (quoted) literal += c;
    else if (c === '.') {
      flush();
      parts.push([]);
    } else if (c === '*') {
      flush();
      const star = pattern[i + 1] === '*' ? '**' : '*';
      if (star === '**') i++;
      parts[parts.length - 1].push(star);
    } else literal += c >= 'A' && c <= 'Z' ? c.toLowerCase() : c;
  }
  if (quoted) throw new Error(`masking column pattern ${JSON.stringify(pattern)} has an unclosed quote`);
  flush();
  if (parts.some((p) => p.length === 0)) {
    throw new Error(`masking column pattern ${JSON.stringify(pattern)} has an empty part`);
  }
  return parts;
}

const escapeRe = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * A column glob as a regex over the broker's folded `schema.table.column`. `*` matches within one
 * part, `**` across parts. Without `**`, a shorter pattern matches the trailing parts: `email` is
 * any column named email, `customers.email` that column in any schema.
 */
export function compileColumnPattern(pattern: string): RegExp {
  const parts = parseColumnPattern(pattern);
  let deep = false;
  const body = parts
    .map((tokens) =>
      tokens
        .map((t) => {
          if (t === '**') deep = true;
          return t === '**' ? '.*' : t === '*' ? '[^.]*' : escapeRe(t);
        })
        .join(''),
    )
    .join('\\.');
  return new RegExp(deep ? `^${body}$` : `(?:^|\\.)${body}$`, 's');
}

export interface ColumnRule {
  pattern: string;
  strategy: MaskStrategy;
}

const CACHE_LIMIT = 4096;

/**
 * Column rules compiled once; answers are cached per column name because a result set asks about
 * the same few columns for every row.
 */
export class ColumnMatcher {
  private readonly rules: ReadonlyArray<{ re: RegExp; strategy: MaskStrategy }>;
  private readonly cache = new Map<string, MaskStrategy | null>();

  constructor(rules: readonly ColumnRule[]) {
    this.rules = rules.map((r) => ({ re: compileColumnPattern(r.pattern), strategy: r.strategy }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** The strictest strategy of the rules covering column, or null when none does. */
  match(column: string): MaskStrategy | null {
    const cached = this.cache.get(column);
    if (cached !== undefined) return cached;
    let strategy: MaskStrategy | null = null;
    for (const r of this.rules) {
      if (r.re.test(column)) strategy = strategy === null ? r.strategy : stricter(strategy, r.strategy);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(column, strategy);
    return strategy;
  }
}
