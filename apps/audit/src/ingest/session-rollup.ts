import type { AuditEvent } from '@portcullis/contracts';
import type { EventColumns } from './event-columns';

/** One session's share of a batch, merged into audit.sessions by an upsert that adds counts and keeps firsts. */
export interface SessionRow {
  session_id: string;
  principal_id: string | null;
  principal_kind: string | null;
  tenant: string | null;
  connection: string | null;
  channel: string | null;
  started_at: string | null;
  ended_at: string | null;
  first_time: string;
  last_time: string;
  first_seq: number;
  last_seq: number;
  last_hash: string;
  events: number;
  commands: number;
  denied: number;
  approvals: number;
}

export class SessionRollup {
  private readonly rows = new Map<string, SessionRow>();

  add(sessionId: string, e: AuditEvent, c: EventColumns, seq: number, hash: Buffer): void {
    let row = this.rows.get(sessionId);
    if (!row) {
      row = {
        session_id: sessionId,
        principal_id: null,
        principal_kind: null,
        tenant: null,
        connection: null,
        channel: null,
        started_at: null,
        ended_at: null,
        first_time: e.time,
        last_time: e.time,
        first_seq: seq,
        last_seq: seq,
        last_hash: '',
        events: 0,
        commands: 0,
        denied: 0,
        approvals: 0,
      };
      this.rows.set(sessionId, row);
    }
    row.principal_id ??= c.principal_id;
    row.principal_kind ??= c.principal_kind;
    row.tenant ??= c.tenant;
    row.connection ??= c.connection;
    row.channel ??= c.channel;
    if (e.type === 'session.started') row.started_at ??= e.time;
    if (e.type === 'session.ended') row.ended_at = e.time;
    // Compare instants, not strings: "…:00Z" sorts after "…:00.5Z" as text.
    if (Date.parse(e.time) < Date.parse(row.first_time)) row.first_time = e.time;
    if (Date.parse(e.time) > Date.parse(row.last_time)) row.last_time = e.time;
    row.last_seq = seq;
    row.last_hash = hash.toString('hex');
    row.events++;
    if (e.type === 'command.decided') row.commands++;
    if (e.decision === 'deny') row.denied++;
    if (e.type === 'approval.requested') row.approvals++;
  }

  all(): SessionRow[] {
    return [...this.rows.values()];
  }
}
