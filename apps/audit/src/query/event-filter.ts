import { auditEventTypes, effects, principalKinds } from '@portcullis/contracts';
import { z } from 'zod';
import { AuditError } from '../errors/audit-error';
import { INDEXED_ID_CHARS } from '../ingest/event-columns';

const id = z.string().min(1).max(INDEXED_ID_CHARS);
const instant = z.string().datetime({ offset: true });
const list = <T extends [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(z.enum(values)).min(1));

/** Query parameters of GET /v1/events and GET /v1/export (same filters, so an export is a query). */
export const eventFilterSchema = z
  .object({
    principal: id.optional(),
    kind: z.enum(principalKinds).optional(),
    group: id.optional(),
    connection: id.optional(),
    type: list([...auditEventTypes]).optional(),
    decision: z.enum(effects).optional(),
    ruleId: id.optional(),
    approvalId: id.optional(),
    traceId: id.optional(),
    sessionId: id.optional(),
    from: instant.optional(),
    to: instant.optional(),
    q: z.string().min(1).max(200).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).optional(),
    cursor: z.string().max(400).optional(),
  })
  .strict();
export type EventFilter = z.output<typeof eventFilterSchema>;

/** Position after which a page continues: the (time, seq) of its last row, in the order it was read. */
interface Cursor {
  t: string;
  s: string;
  o: 'asc' | 'desc';
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

const cursorSchema = z
  .object({ t: instant, s: z.string().min(1).max(INDEXED_ID_CHARS), o: z.enum(['asc', 'desc']) })
  .strict();

export function decodeCursor(raw: string, order: 'asc' | 'desc'): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new AuditError('bad_request', 'cursor: not a cursor this API returned');
  }
  const c = cursorSchema.safeParse(parsed);
  if (!c.success) throw new AuditError('bad_request', 'cursor: not a cursor this API returned');
  if (c.data.o !== order) throw new AuditError('bad_request', 'cursor: was issued for the other sort order');
  return c.data;
}

/** Parses query parameters, naming the first bad one in a 400 problem. */
export function parseParams<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.join('.') || '(query)';
  const what =
    issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : `${where}: ${issue.message}`;
  throw new AuditError('bad_request', what);
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type Condition = (f: EventFilter) => { value: unknown; sql: (p: string) => string } | null;

const likePattern = (q: string): string => `%${escapeLike(q)}%`;

// One entry per filter, each a condition an index serves (see docs/audit.md).
const conditions: Condition[] = [
  (f) => (f.principal ? { value: f.principal, sql: (p) => `principal_id = ${p}` } : null),
  (f) => (f.kind ? { value: f.kind, sql: (p) => `principal_kind = ${p}` } : null),
  (f) => (f.group ? { value: f.group, sql: (p) => `groups @> ARRAY[${p}::text]` } : null),
  (f) => (f.connection ? { value: f.connection, sql: (p) => `connection = ${p}` } : null),
  // A single type as an equality, so the (type, time, seq) index also gives the order.
  (f) =>
    f.type?.length === 1
      ? { value: f.type[0], sql: (p) => `type = ${p}` }
      : f.type
        ? { value: f.type, sql: (p) => `type = ANY(${p}::text[])` }
        : null,
  (f) => (f.decision ? { value: f.decision, sql: (p) => `decision = ${p}` } : null),
  (f) => (f.ruleId ? { value: f.ruleId, sql: (p) => `rule_ids @> ARRAY[${p}::text]` } : null),
  (f) => (f.approvalId ? { value: f.approvalId, sql: (p) => `approval_id = ${p}` } : null),
  (f) => (f.traceId ? { value: f.traceId, sql: (p) => `trace_id = ${p}` } : null),
  (f) => (f.sessionId ? { value: f.sessionId, sql: (p) => `session_id = ${p}` } : null),
  (f) => (f.from ? { value: f.from, sql: (p) => `time >= ${p}::timestamptz` } : null),
  (f) => (f.to ? { value: f.to, sql: (p) => `time < ${p}::timestamptz` } : null),
  (f) => (f.q ? { value: likePattern(f.q), sql: (p) => `command ILIKE ${p}` } : null),
];

/**
 * The WHERE clause and parameters for a filter. The (time, seq) keyset of the cursor makes pages
 * stable while events keep arriving: a row is never skipped or repeated between two pages.
 */
export function eventWhere(f: EventFilter, params: unknown[] = []): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  for (const condition of conditions) {
    const c = condition(f);
    if (!c) continue;
    params.push(c.value);
    conds.push(c.sql(`$${params.length}`));
  }
  if (f.cursor) {
    const c = decodeCursor(f.cursor, f.order);
    if (!/^\d{1,19}$/.test(c.s)) throw new AuditError('bad_request', 'cursor: not a cursor this API returned');
    params.push(c.t, c.s);
    const op = f.order === 'desc' ? '<' : '>';
    conds.push(`(time, seq) ${op} ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  return { sql: conds.length === 0 ? '' : `WHERE ${conds.join(' AND ')}`, params };
}
