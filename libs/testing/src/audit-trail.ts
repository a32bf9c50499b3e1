import { connect } from 'nats';
import { Client } from 'pg';
import { loadTagOf, type LoadStatement } from './sql-load';

interface AuditRef {
  auditStream: string;
  databaseUrl: string;
  deps: { natsUrl: string };
}

/** What the audit store holds, against what the audit stream accepted. */
export interface AuditTrailState {
  /**
   * Messages the stream ever accepted (each a distinct event id: the stream deduplicates by msg id): its
   * last sequence number, since a long run makes the stream drop its oldest messages once stored.
   */
  streamMessages: number;
  /** Messages not yet delivered, or delivered but not acknowledged, on the audit consumer. */
  pending: number;
  stored: number;
  rejected: number;
}

export async function auditTrailState(stack: AuditRef, durable = 'audit-store'): Promise<AuditTrailState> {
  const nc = await connect({ servers: stack.deps.natsUrl });
  const db = new Client({ connectionString: stack.databaseUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const stream = await jsm.streams.info(stack.auditStream);
    const consumer = await jsm.consumers.info(stack.auditStream, durable);
    await db.connect();
    const { rows } = await db.query<{ stored: string; rejected: string }>(
      'SELECT (SELECT count(*) FROM audit.events) AS stored, (SELECT count(*) FROM audit.rejected) AS rejected',
    );
    return {
      streamMessages: stream.state.last_seq,
      pending: consumer.num_pending + consumer.num_ack_pending,
      stored: Number(rows[0].stored),
      rejected: Number(rows[0].rejected),
    };
  } finally {
    await db.end().catch(() => undefined);
    await nc.close();
  }
}

/** Waits until the audit service has stored everything the stream accepted; returns the final state. */
export async function waitForAuditDrain(stack: AuditRef, timeoutMs = 30000): Promise<AuditTrailState> {
  const until = Date.now() + timeoutMs;
  let state = await auditTrailState(stack);
  while (state.pending > 0 || state.stored + state.rejected < state.streamMessages) {
    if (Date.now() > until) throw new Error(`the audit trail did not catch up: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 200));
    state = await auditTrailState(stack);
  }
  return state;
}

/** Every stored event's id and the load statement it is about, if any. */
export interface StoredCommandEvent {
  id: string;
  type: string;
  decision: string | null;
  sessionId: string | null;
  tag: string | undefined;
}

export async function storedCommandEvents(stack: Pick<AuditRef, 'databaseUrl'>): Promise<StoredCommandEvent[]> {
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{
      id: string;
      type: string;
      decision: string | null;
      session_id: string | null;
      command: string | null;
    }>(
      `SELECT id, type, decision, session_id, command FROM audit.events
        WHERE type IN ('command.decided', 'command.executed') ORDER BY seq`,
    );
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      decision: r.decision,
      sessionId: r.session_id,
      tag: loadTagOf(r.command),
    }));
  } finally {
    await db.end();
  }
}

/**
 * The invariants of DESIGN.md as they show in a load's statements and the audit trail, as a list of
 * violations (empty when they hold):
 * - default deny / fail closed: no forbidden statement ever succeeded;
 * - nothing unaudited: every statement that succeeded has exactly one `allow` decision stored;
 * - nothing duplicated: no statement has two decisions, or two executions, stored;
 * - every success has its execution stored, unless `mayLackExecution` excuses it (a broker killed before
 *   it could publish the execution of a statement it had already answered).
 */
export function auditViolations(
  statements: LoadStatement[],
  events: StoredCommandEvent[],
  mayLackExecution: (s: LoadStatement) => boolean = () => false,
): string[] {
  const decided = new Map<string, StoredCommandEvent[]>();
  const executed = new Map<string, number>();
  for (const e of events) {
    if (!e.tag) continue;
    if (e.type === 'command.decided') decided.set(e.tag, [...(decided.get(e.tag) ?? []), e]);
    else executed.set(e.tag, (executed.get(e.tag) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const s of statements) {
    const d = decided.get(s.tag) ?? [];
    if (s.kind === 'forbidden' && s.ok) out.push(`${s.tag}: a forbidden statement succeeded`);
    if (d.length > 1) out.push(`${s.tag}: ${d.length} decisions stored`);
    if ((executed.get(s.tag) ?? 0) > 1) out.push(`${s.tag}: ${executed.get(s.tag)} executions stored`);
    if (!s.ok) continue;
    if (d.filter((e) => e.decision === 'allow').length !== 1)
      out.push(`${s.tag}: succeeded without its allow decision in the audit trail`);
    if (!executed.has(s.tag) && !mayLackExecution(s)) out.push(`${s.tag}: succeeded, execution not audited`);
  }
  return out;
}
