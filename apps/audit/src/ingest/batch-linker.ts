import type { AuditEvent } from '@portcullis/contracts';
import { canonicalJson } from '../chain/canonical';
import { chainHash, GENESIS_HASH } from '../chain/chain-hash';
import type { RecordingLedger } from '../recording/recording-ledger';
import { eventColumns, type EventColumns } from './event-columns';
import { SessionRollup } from './session-rollup';

/**
 * An event made ready for the chain before the chain lock is taken: its filter columns, its canonical
 * body and its row serialised but for the chain fields. Done as messages arrive, so this CPU work
 * overlaps the database's work on the previous batch instead of lengthening the locked section.
 */
export interface PreparedEvent {
  event: AuditEvent;
  columns: EventColumns;
  /** Null for a recording: its stored body depends on the session's size cap, known only under the lock. */
  body: string | null;
  members: string | null;
}

export interface ChainHead {
  seq: number;
  hash: Buffer;
}

export function prepareEvent(event: AuditEvent): PreparedEvent {
  const columns = eventColumns(event);
  if (event.type === 'session.recording') return { event, columns, body: null, members: null };
  const body = canonicalJson(event);
  return { event, columns, body, members: rowMembers(event.id, columns, body) };
}

// The row's JSON object without its braces, so the chain fields can be prepended by concatenation.
function rowMembers(id: string, columns: EventColumns, body: string): string {
  return JSON.stringify({ id, ...columns, body }).slice(1, -1);
}

/**
 * Gives each new event its chain position and links: the global predecessor is the previous row, the
 * session predecessor the session's latest row (from `sessionHeads`, then from this batch). The rows
 * come back as one JSON array for json_to_recordset. Deterministic apart from the ledger's state.
 */
export function linkBatch(
  events: PreparedEvent[],
  head: ChainHead,
  sessionHeads: Map<string, Buffer>,
  ledger: RecordingLedger,
  key: Buffer | null,
): { rowsJson: string; sessions: SessionRollup; head: ChainHead } {
  const rows: string[] = [];
  const sessions = new SessionRollup();
  let { seq, hash: prev } = head;
  for (const p of events) {
    seq++;
    let { body, members } = p;
    if (body === null || members === null) {
      // A recording keeps the digest of its chunk in the chain; the chunk itself goes to recording_chunks.
      const recording = p.event.recording ? ledger.apply(p.event.recording, p.event.time, seq) : undefined;
      body = canonicalJson({ ...p.event, recording });
      members = rowMembers(p.event.id, p.columns, body);
    }
    const sessionId = p.columns.session_id;
    const sessionPrev = sessionId === null ? null : (sessionHeads.get(sessionId) ?? GENESIS_HASH);
    const hash = chainHash({ seq: String(seq), prevHash: prev, sessionPrevHash: sessionPrev, body }, key);
    const sp = sessionPrev === null ? 'null' : `"${sessionPrev.toString('hex')}"`;
    rows.push(
      `{"seq":${seq},"prev_hash":"${prev.toString('hex')}","session_prev_hash":${sp},"hash":"${hash.toString('hex')}",${members}}`,
    );
    if (sessionId !== null) {
      sessionHeads.set(sessionId, hash);
      sessions.add(sessionId, p.event, p.columns, seq, hash);
    }
    prev = hash;
  }
  return { rowsJson: `[${rows.join(',')}]`, sessions, head: { seq, hash: prev } };
}
