import { Inject, Injectable } from '@nestjs/common';
import { principalKinds } from '@portcullis/contracts';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { AuditError } from '../errors/audit-error';
import { INDEXED_ID_CHARS } from '../ingest/event-columns';
import { decodeCursor, encodeCursor } from './event-filter';

const id = z.string().min(1).max(INDEXED_ID_CHARS);

export const sessionFilterSchema = z
  .object({
    principal: id.optional(),
    kind: z.enum(principalKinds).optional(),
    connection: id.optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).optional(),
    cursor: z.string().max(400).optional(),
  })
  .strict();
export type SessionFilter = z.output<typeof sessionFilterSchema>;

export const timelineParamsSchema = z
  .object({
    limit: z.coerce.number().int().min(1).optional(),
    after: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export interface SessionSummary {
  sessionId: string;
  principal: { id: string | null; kind: string | null; tenant: string | null };
  connection: string | null;
  channel: string | null;
  startedAt: string | null;
  endedAt: string | null;
  firstEventAt: string;
  lastEventAt: string;
  firstSeq: number;
  lastSeq: number;
  events: number;
  commands: number;
  denied: number;
  approvals: number;
  recordings: Array<{ kind: string; bytes: number; chunks: number; truncated: boolean }>;
}

interface SessionRowRead {
  session_id: string;
  principal_id: string | null;
  principal_kind: string | null;
  tenant: string | null;
  connection: string | null;
  channel: string | null;
  started_at: Date | null;
  ended_at: Date | null;
  first_time: Date;
  ft: string;
  last_time: Date;
  first_seq: string;
  last_seq: string;
  events: string;
  commands: string;
  denied: string;
  approvals: string;
  recordings: Array<{ kind: string; bytes: number; chunks: number; truncated: boolean }> | null;
}

const SESSION_COLUMNS = `s.*, to_char(s.first_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ft,
  (SELECT json_agg(json_build_object('kind', r.kind, 'bytes', r.bytes, 'chunks', r.chunks, 'truncated', r.truncated)
     ORDER BY r.kind) FROM audit.recordings r WHERE r.session_id = s.session_id) AS recordings`;

@Injectable()
export class SessionQuery {
  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async list(f: SessionFilter): Promise<{ items: SessionSummary[]; nextCursor: string | null }> {
    const limit = this.limit(f.limit);
    const params: unknown[] = [];
    const conds: string[] = [];
    const add = (cond: (p: string) => string, v: unknown) => {
      params.push(v);
      conds.push(cond(`$${params.length}`));
    };
    if (f.principal) add((p) => `s.principal_id = ${p}`, f.principal);
    if (f.kind) add((p) => `s.principal_kind = ${p}`, f.kind);
    if (f.connection) add((p) => `s.connection = ${p}`, f.connection);
    if (f.from) add((p) => `s.first_time >= ${p}::timestamptz`, f.from);
    if (f.to) add((p) => `s.first_time < ${p}::timestamptz`, f.to);
    if (f.cursor) {
      const c = decodeCursor(f.cursor, f.order);
      params.push(c.t, c.s);
      const op = f.order === 'desc' ? '<' : '>';
      conds.push(`(s.first_time, s.session_id) ${op} ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const dir = f.order === 'desc' ? 'DESC' : 'ASC';
    params.push(limit + 1);
    const rows: SessionRowRead[] = await this.ds.query(
      `SELECT ${SESSION_COLUMNS} FROM audit.sessions s ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
       ORDER BY s.first_time ${dir}, s.session_id ${dir} LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toSummary),
      nextCursor: more && last ? encodeCursor({ t: last.ft, s: last.session_id, o: f.order }) : null,
    };
  }

  async get(sessionId: string): Promise<SessionSummary> {
    const rows: SessionRowRead[] = await this.ds.query(
      `SELECT ${SESSION_COLUMNS} FROM audit.sessions s WHERE s.session_id = $1`,
      [sessionId],
    );
    if (rows.length === 0) throw new AuditError('session_not_found', `no audit events for session ${sessionId}`);
    return toSummary(rows[0]);
  }

  /** The session's events in chain order, a page at a time (`after` is the last seq already seen). */
  async timeline(
    sessionId: string,
    p: { limit?: number; after?: number },
  ): Promise<{ items: Array<{ seq: number; storedAt: string; event: unknown }>; nextAfter: number | null }> {
    const limit = this.limit(p.limit);
    const rows: Array<{ seq: string; stored_at: Date; body: string }> = await this.ds.query(
      `SELECT seq, stored_at, body FROM audit.events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [sessionId, p.after ?? 0, limit + 1],
    );
    const more = rows.length > limit;
    if (more) rows.pop();
    return {
      items: rows.map((r) => ({ seq: Number(r.seq), storedAt: r.stored_at.toISOString(), event: JSON.parse(r.body) })),
      nextAfter: more ? Number(rows[rows.length - 1].seq) : null,
    };
  }

  private limit(requested: number | undefined): number {
    const limit = requested ?? 100;
    if (limit > this.settings.query.maxPageSize) {
      throw new AuditError('bad_request', `limit: at most ${this.settings.query.maxPageSize}`);
    }
    return limit;
  }
}

function toSummary(r: SessionRowRead): SessionSummary {
  return {
    sessionId: r.session_id,
    principal: { id: r.principal_id, kind: r.principal_kind, tenant: r.tenant },
    connection: r.connection,
    channel: r.channel,
    startedAt: r.started_at?.toISOString() ?? null,
    endedAt: r.ended_at?.toISOString() ?? null,
    firstEventAt: r.first_time.toISOString(),
    lastEventAt: r.last_time.toISOString(),
    firstSeq: Number(r.first_seq),
    lastSeq: Number(r.last_seq),
    events: Number(r.events),
    commands: Number(r.commands),
    denied: Number(r.denied),
    approvals: Number(r.approvals),
    recordings: (r.recordings ?? []).map((x) => ({ ...x, bytes: Number(x.bytes) })),
  };
}
