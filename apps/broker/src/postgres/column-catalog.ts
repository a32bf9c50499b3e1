import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';

/**
 * Resolves RowDescription's (table OID, attribute number) to `schema.table.column`, so column masking
 * rules apply however the query named the column. Uses the broker's own small pool on the target (never
 * the agent's session) and caches answers; a column it cannot resolve is null, and the content
 * detectors still run on it.
 */
export class ColumnCatalog {
  // '' marks a column known to be unresolvable (an expression, a dropped table), so it is not asked again.
  private readonly cache = new LRUCache<string, string>({ max: 50000, ttl: 5 * 60 * 1000 });

  constructor(private readonly pool: Pool) {}

  async resolve(columns: Array<{ tableOid: number; columnAttr: number }>): Promise<Array<string | null>> {
    const keys = columns.map((c) => `${c.tableOid}:${c.columnAttr}`);
    const missing = [...new Set(keys.filter((k, i) => columns[i].tableOid !== 0 && !this.cache.has(k)))];
    if (missing.length > 0) {
      const oids = missing.map((k) => Number(k.split(':')[0]));
      const attrs = missing.map((k) => Number(k.split(':')[1]));
      const res = await this.pool.query<{ oid: number; attnum: number; name: string }>(
        `SELECT c.oid::int AS oid, a.attnum::int AS attnum,
                quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname) AS name
           FROM unnest($1::oid[], $2::int2[]) AS w(oid, attnum)
           JOIN pg_class c ON c.oid = w.oid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = w.attnum`,
        [oids, attrs],
      );
      for (const k of missing) this.cache.set(k, '');
      for (const r of res.rows) this.cache.set(`${r.oid}:${r.attnum}`, r.name);
    }
    return keys.map((k, i) => (columns[i].tableOid === 0 ? null : this.cache.get(k) || null));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
