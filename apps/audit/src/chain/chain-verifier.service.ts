import { Inject, Injectable } from '@nestjs/common';
import type { AuditEvent } from '@portcullis/contracts';
import { DataSource } from 'typeorm';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { eventColumns, type EventColumns } from '../ingest/event-columns';
import { chainHash, GENESIS_HASH } from './chain-hash';

export type BreakReason = 'missing' | 'link_broken' | 'hash_mismatch' | 'columns_mismatch' | 'session_link_broken';

export interface ChainBreak {
  seq: number;
  id: string | null;
  reason: BreakReason;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  scope: { from: number; to: number; sessionId?: string };
  checked: number;
  head: { seq: number; hash: string } | null;
  firstBroken: ChainBreak | null;
}

/** A stored row as verification reads it: the filter columns (re-derived from the body and compared) plus the chain. */
interface ChainRow extends Omit<EventColumns, 'time'> {
  seq: string;
  id: string;
  t_ms: string;
  prev_hash: Buffer;
  session_prev_hash: Buffer | null;
  hash: Buffer;
  body: string;
}

const PAGE = 5000;
const ROW_COLUMNS = `seq, id, floor(extract(epoch FROM time) * 1000)::bigint AS t_ms, type, source, principal_id, principal_kind,
  tenant, groups, channel, connection, session_id, trace_id, command, decision, rule_ids, approval_id, prev_hash,
  session_prev_hash, hash, body`;
const COMPARED: Array<Exclude<keyof EventColumns, 'time'>> = [
  'type',
  'source',
  'principal_id',
  'principal_kind',
  'tenant',
  'groups',
  'channel',
  'connection',
  'session_id',
  'trace_id',
  'command',
  'decision',
  'rule_ids',
  'approval_id',
];

/**
 * Recomputes the chain over a range of positions (or over one session's chain) and reports the first
 * row that does not hold: a gap (a row deleted), a predecessor that is not the previous row (a row
 * inserted or moved), a hash that does not match the body (a row edited), or filter columns that do not
 * match the body (an index column edited to hide a row from queries).
 */
@Injectable()
export class ChainVerifier {
  constructor(
    private readonly ds: DataSource,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async head(): Promise<{ seq: number; hash: string } | null> {
    const rows: Array<{ seq: string; hash: Buffer }> = await this.ds.query(
      'SELECT seq, hash FROM audit.events ORDER BY seq DESC LIMIT 1',
    );
    return rows.length === 0 ? null : { seq: Number(rows[0].seq), hash: rows[0].hash.toString('hex') };
  }

  /** Maps an instant to a chain position by the time rows were stored (stored_at follows seq). */
  async positionAt(instant: string, edge: 'from' | 'to'): Promise<number> {
    const sql =
      edge === 'from'
        ? // Nothing stored since then: one past the head, an empty range.
          `SELECT coalesce(min(seq), (SELECT coalesce(max(seq), 0) + 1 FROM audit.events)) AS seq
           FROM audit.events WHERE stored_at >= $1`
        : 'SELECT coalesce(max(seq), 0) AS seq FROM audit.events WHERE stored_at <= $1';
    const rows: Array<{ seq: string }> = await this.ds.query(sql, [instant]);
    return Number(rows[0].seq);
  }

  async verifyRange(from: number, to: number | null): Promise<VerifyReport> {
    const head = await this.head();
    const end = Math.min(to ?? head?.seq ?? 0, head?.seq ?? 0);
    const report: VerifyReport = { ok: true, scope: { from, to: end }, checked: 0, head, firstBroken: null };
    let prev = GENESIS_HASH;
    let expected = from;
    if (from > 1) {
      const anchor: Array<{ hash: Buffer }> = await this.ds.query('SELECT hash FROM audit.events WHERE seq = $1', [
        from - 1,
      ]);
      if (anchor.length === 0)
        return this.broken(report, from - 1, null, 'missing', 'the row before the range is gone');
      prev = anchor[0].hash;
    }
    while (expected <= end) {
      const rows: ChainRow[] = await this.ds.query(
        `SELECT ${ROW_COLUMNS} FROM audit.events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT ${PAGE}`,
        [expected, end],
      );
      if (rows.length === 0) return this.broken(report, expected, null, 'missing', `row ${expected} is gone`);
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expected) return this.broken(report, expected, null, 'missing', `row ${expected} is gone`);
        const problem = this.checkRow(row, prev);
        if (problem) return this.broken(report, seq, row.id, problem.reason, problem.detail);
        prev = row.hash;
        expected++;
        report.checked++;
      }
    }
    return report;
  }

  /** One session's chain: each of its events must point at the session's previous event. */
  async verifySession(sessionId: string): Promise<VerifyReport> {
    const head = await this.head();
    const report: VerifyReport = {
      ok: true,
      scope: { from: 0, to: 0, sessionId },
      checked: 0,
      head,
      firstBroken: null,
    };
    let sessionPrev = GENESIS_HASH;
    let after = 0;
    for (;;) {
      const rows: ChainRow[] = await this.ds.query(
        `SELECT ${ROW_COLUMNS} FROM audit.events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT ${PAGE}`,
        [sessionId, after],
      );
      if (rows.length === 0) return report;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (report.checked === 0) report.scope.from = seq;
        report.scope.to = seq;
        if (!row.session_prev_hash?.equals(sessionPrev)) {
          const detail = 'does not point at the previous event of its session (one was deleted or inserted)';
          return this.broken(report, seq, row.id, 'session_link_broken', detail);
        }
        const problem = this.checkRow(row, row.prev_hash);
        if (problem) return this.broken(report, seq, row.id, problem.reason, problem.detail);
        sessionPrev = row.hash;
        after = seq;
        report.checked++;
      }
    }
  }

  private checkRow(row: ChainRow, prev: Buffer): { reason: BreakReason; detail: string } | null {
    if (!row.prev_hash.equals(prev)) {
      return {
        reason: 'link_broken',
        detail: 'does not point at the previous row (a row was inserted, removed or moved)',
      };
    }
    const link = { seq: row.seq, prevHash: row.prev_hash, sessionPrevHash: row.session_prev_hash, body: row.body };
    if (!chainHash(link, this.settings.chain.key).equals(row.hash)) {
      return { reason: 'hash_mismatch', detail: 'its content does not match its hash (the row was edited)' };
    }
    const column = this.columnMismatch(row);
    if (column) return { reason: 'columns_mismatch', detail: `column ${column} does not match the chained event` };
    return null;
  }

  private columnMismatch(row: ChainRow): string | null {
    let event: AuditEvent;
    try {
      event = JSON.parse(row.body) as AuditEvent;
    } catch {
      return 'body';
    }
    if (event.id !== row.id) return 'id';
    const expected = eventColumns(event);
    if (Math.floor(Date.parse(expected.time)) !== Number(row.t_ms)) return 'time';
    for (const key of COMPARED) {
      if (JSON.stringify(expected[key]) !== JSON.stringify(row[key])) return key;
    }
    return null;
  }

  private broken(r: VerifyReport, seq: number, id: string | null, reason: BreakReason, detail: string): VerifyReport {
    return { ...r, ok: false, firstBroken: { seq, id, reason, detail } };
  }
}
