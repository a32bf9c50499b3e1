import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { AuditError } from '../errors/audit-error';
import { encodeCursor, eventWhere, type EventFilter } from './event-filter';

/** One stored event as the API returns it: its place in the chain and the event as chained. */
export interface StoredEvent {
  seq: number;
  storedAt: string;
  hash: string;
  event: Record<string, unknown>;
}

export interface EventPage {
  items: StoredEvent[];
  nextCursor: string | null;
}

/** A row as read, with the body still as text (the export splices it without parsing). */
export interface RawEventRow {
  seq: string;
  t: string;
  stored_at: Date;
  hash: string;
  prev_hash: string;
  body: string;
}

// Microsecond-exact UTC text, so a cursor built from it lands exactly on the row it came from.
const TIME_TEXT = `to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

@Injectable()
export class EventQuery {
  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async page(filter: EventFilter): Promise<EventPage> {
    const limit = this.limitOf(filter);
    const { rows, next } = await this.rawPage(filter, limit);
    return {
      items: rows.map((r) => ({
        seq: Number(r.seq),
        storedAt: r.stored_at.toISOString(),
        hash: r.hash,
        event: JSON.parse(r.body) as Record<string, unknown>,
      })),
      nextCursor: next,
    };
  }

  /** Reads one page (limit + 1 rows, to know whether there is a next one) in (time, seq) order. */
  async rawPage(filter: EventFilter, limit: number): Promise<{ rows: RawEventRow[]; next: string | null }> {
    const { sql, params } = eventWhere(filter);
    const dir = filter.order === 'desc' ? 'DESC' : 'ASC';
    params.push(limit + 1);
    const rows: RawEventRow[] = await this.ds.query(
      `SELECT seq, ${TIME_TEXT} AS t, stored_at, encode(hash, 'hex') AS hash, encode(prev_hash, 'hex') AS prev_hash, body
       FROM audit.events ${sql} ORDER BY time ${dir}, seq ${dir} LIMIT $${params.length}`,
      params,
    );
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return { rows, next: more && last ? encodeCursor({ t: last.t, s: last.seq, o: filter.order }) : null };
  }

  limitOf(filter: EventFilter, fallback = 100): number {
    const limit = filter.limit ?? fallback;
    if (limit > this.settings.query.maxPageSize) {
      throw new AuditError('bad_request', `limit: at most ${this.settings.query.maxPageSize}`);
    }
    return limit;
  }
}
