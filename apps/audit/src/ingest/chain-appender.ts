import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { GENESIS_HASH } from '../chain/chain-hash';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { RecordingLedger, recordingKey, type RecordingKind, type RecordingState } from '../recording/recording-ledger';
import { linkBatch, type ChainHead, type PreparedEvent } from './batch-linker';

/** Every replica appends under this one advisory lock, so the chain has a single, gapless order. */
export const CHAIN_LOCK_KEY = '7041726864415544'; // arbitrary, stable across releases

/** A message that is not an audit event: kept for inspection, never chained, acknowledged like the rest. */
export interface RejectedMessage {
  streamSeq: number;
  subject: string;
  reason: string;
  raw: Buffer;
}

export interface AppendResult {
  stored: number;
  duplicates: number;
  rejected: number;
  head: number;
}

const INSERT_EVENTS = `
  INSERT INTO audit.events (seq, id, time, stored_at, type, source, principal_id, principal_kind, tenant, groups,
    channel, connection, session_id, trace_id, command, decision, rule_ids, approval_id, prev_hash,
    session_prev_hash, hash, body)
  SELECT x.seq, x.id, x.time, $2, x.type, x.source, x.principal_id, x.principal_kind, x.tenant, x.groups,
    x.channel, x.connection, x.session_id, x.trace_id, x.command, x.decision, x.rule_ids, x.approval_id,
    decode(x.prev_hash, 'hex'), decode(x.session_prev_hash, 'hex'), decode(x.hash, 'hex'), x.body
  FROM json_to_recordset($1::json) AS x(seq bigint, id uuid, time timestamptz, type text, source text,
    principal_id text, principal_kind text, tenant text, groups text[], channel text, connection text,
    session_id text, trace_id text, command text, decision text, rule_ids text[], approval_id text,
    prev_hash text, session_prev_hash text, hash text, body text)`;

const UPSERT_SESSIONS = `
  INSERT INTO audit.sessions AS s (session_id, principal_id, principal_kind, tenant, connection, channel,
    started_at, ended_at, first_time, last_time, first_seq, last_seq, last_hash, events, commands, denied, approvals)
  SELECT x.session_id, x.principal_id, x.principal_kind, x.tenant, x.connection, x.channel, x.started_at,
    x.ended_at, x.first_time, x.last_time, x.first_seq, x.last_seq, decode(x.last_hash, 'hex'), x.events,
    x.commands, x.denied, x.approvals
  FROM json_to_recordset($1::json) AS x(session_id text, principal_id text, principal_kind text, tenant text,
    connection text, channel text, started_at timestamptz, ended_at timestamptz, first_time timestamptz,
    last_time timestamptz, first_seq bigint, last_seq bigint, last_hash text, events bigint, commands bigint,
    denied bigint, approvals bigint)
  ON CONFLICT (session_id) DO UPDATE SET
    principal_id = coalesce(s.principal_id, excluded.principal_id),
    principal_kind = coalesce(s.principal_kind, excluded.principal_kind),
    tenant = coalesce(s.tenant, excluded.tenant),
    connection = coalesce(s.connection, excluded.connection),
    channel = coalesce(s.channel, excluded.channel),
    started_at = coalesce(s.started_at, excluded.started_at),
    ended_at = coalesce(excluded.ended_at, s.ended_at),
    first_time = least(s.first_time, excluded.first_time),
    last_time = greatest(s.last_time, excluded.last_time),
    last_seq = excluded.last_seq,
    last_hash = excluded.last_hash,
    events = s.events + excluded.events,
    commands = s.commands + excluded.commands,
    denied = s.denied + excluded.denied,
    approvals = s.approvals + excluded.approvals`;

const UPSERT_RECORDINGS = `
  INSERT INTO audit.recordings AS r (session_id, kind, header, first_time, bytes, chunks, truncated)
  SELECT x."sessionId", x.kind, x.header, x."firstTime", x.bytes, x.chunks, x.truncated
  FROM json_to_recordset($1::json) AS x("sessionId" text, kind text, header text, "firstTime" timestamptz,
    bytes bigint, chunks integer, truncated boolean)
  ON CONFLICT (session_id, kind) DO UPDATE SET header = excluded.header, first_time = excluded.first_time,
    bytes = excluded.bytes, chunks = excluded.chunks, truncated = excluded.truncated`;

const INSERT_CHUNKS = `
  INSERT INTO audit.recording_chunks (session_id, kind, seq, event_seq, data)
  SELECT x.session_id, x.kind, x.seq, x.event_seq, x.data
  FROM json_to_recordset($1::json) AS x(session_id text, kind text, seq integer, event_seq bigint, data text)
  ON CONFLICT DO NOTHING`;

/**
 * Appends a batch of events to the chain in one transaction: take the chain lock, drop ids already
 * stored (redeliveries, replays), link the rest after the current head, write them with their session
 * and recording indexes. The caller acknowledges the messages only after this resolves, so a crash at
 * any point leaves either the whole batch stored or none of it, and a redelivery stores nothing twice.
 */
@Injectable()
export class ChainAppender {
  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async append(events: PreparedEvent[], rejected: RejectedMessage[] = []): Promise<AppendResult> {
    return this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
      if (rejected.length > 0) await this.keepRejected(em, rejected);
      const fresh = await this.notYetStored(em, events);
      const { now, head } = await this.head(em);
      if (fresh.length === 0) {
        return { stored: 0, duplicates: events.length, rejected: rejected.length, head: head.seq };
      }
      const sessionIds = [
        ...new Set(fresh.flatMap((p) => (p.columns.session_id === null ? [] : [p.columns.session_id]))),
      ];
      const ledger = new RecordingLedger(this.settings.recording.maxBytesPerSession, await this.recordings(em, fresh));
      const linked = linkBatch(fresh, head, await this.sessionHeads(em, sessionIds), ledger, this.settings.chain.key);
      await em.query(INSERT_EVENTS, [linked.rowsJson, now]);
      const sessions = linked.sessions.all();
      if (sessions.length > 0) await em.query(UPSERT_SESSIONS, [JSON.stringify(sessions)]);
      const states = ledger.changed();
      if (states.length > 0) await em.query(UPSERT_RECORDINGS, [JSON.stringify(states)]);
      const chunks = ledger.rows();
      if (chunks.length > 0) await em.query(INSERT_CHUNKS, [JSON.stringify(chunks)]);
      return {
        stored: fresh.length,
        duplicates: events.length - fresh.length,
        rejected: rejected.length,
        head: linked.head.seq,
      };
    });
  }

  /** Unique by id, first occurrence wins, and none that the chain already holds. */
  private async notYetStored(em: EntityManager, events: PreparedEvent[]): Promise<PreparedEvent[]> {
    const byId = new Map<string, PreparedEvent>();
    for (const p of events) if (!byId.has(p.event.id)) byId.set(p.event.id, p);
    if (byId.size === 0) return [];
    const rows: Array<{ id: string }> = await em.query('SELECT id FROM audit.events WHERE id = ANY($1::uuid[])', [
      [...byId.keys()],
    ]);
    for (const r of rows) byId.delete(r.id);
    return [...byId.values()];
  }

  // The time is read after the lock is held, so stored_at never goes backwards along the chain.
  private async head(em: EntityManager): Promise<{ now: Date; head: ChainHead }> {
    const [row]: Array<{ now: Date; seq: string | null; hash: Buffer | null }> = await em.query(
      `SELECT clock_timestamp() AS now, h.seq, h.hash FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT seq, hash FROM audit.events ORDER BY seq DESC LIMIT 1) AS h ON true`,
    );
    return { now: row.now, head: { seq: row.seq === null ? 0 : Number(row.seq), hash: row.hash ?? GENESIS_HASH } };
  }

  private async sessionHeads(em: EntityManager, ids: string[]): Promise<Map<string, Buffer>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ session_id: string; last_hash: Buffer }> = await em.query(
      'SELECT session_id, last_hash FROM audit.sessions WHERE session_id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.session_id, r.last_hash]));
  }

  private async recordings(em: EntityManager, events: PreparedEvent[]): Promise<Map<string, RecordingState>> {
    const wanted = new Map<string, { sessionId: string; kind: RecordingKind }>();
    for (const { event: e } of events) {
      if (e.recording) wanted.set(recordingKey(e.recording.sessionId, e.recording.kind), e.recording);
    }
    if (wanted.size === 0) return new Map();
    const list = [...wanted.values()];
    const rows: Array<{
      session_id: string;
      kind: RecordingKind;
      header: string | null;
      first_time: Date;
      bytes: string;
      chunks: number;
      truncated: boolean;
    }> = await em.query(
      `SELECT r.session_id, r.kind, r.header, r.first_time, r.bytes, r.chunks, r.truncated FROM audit.recordings r
       JOIN unnest($1::text[], $2::text[]) AS w(session_id, kind) USING (session_id, kind)`,
      [list.map((w) => w.sessionId), list.map((w) => w.kind)],
    );
    return new Map(
      rows.map((r) => [
        recordingKey(r.session_id, r.kind),
        {
          sessionId: r.session_id,
          kind: r.kind,
          header: r.header,
          firstTime: r.first_time.toISOString(),
          bytes: Number(r.bytes),
          chunks: r.chunks,
          truncated: r.truncated,
        },
      ]),
    );
  }

  private async keepRejected(em: EntityManager, rejected: RejectedMessage[]): Promise<void> {
    await em.query(
      `INSERT INTO audit.rejected (stream_seq, subject, reason, raw)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bytea[]) ON CONFLICT DO NOTHING`,
      [
        rejected.map((r) => r.streamSeq),
        rejected.map((r) => r.subject),
        rejected.map((r) => r.reason),
        rejected.map((r) => r.raw),
      ],
    );
  }
}
