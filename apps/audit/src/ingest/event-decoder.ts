import { auditEventSchema, type AuditEvent } from '@portcullis/contracts';
import type { RejectedMessage } from './chain-appender';

export interface RawMessage {
  data: Uint8Array;
  subject: string;
  seq: number;
}

export type Decoded = { ok: true; event: AuditEvent } | { ok: false; rejected: RejectedMessage };

/**
 * A delivered message becomes either an event to chain or a rejection to keep. Nothing is dropped:
 * a publisher bug must show up in the store, not vanish.
 */
export function decodeMessage(msg: RawMessage): Decoded {
  const reject = (reason: string): Decoded => ({
    ok: false,
    rejected: { streamSeq: msg.seq, subject: msg.subject, reason, raw: Buffer.from(msg.data) },
  });
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(msg.data).toString('utf8'));
  } catch {
    return reject('not JSON');
  }
  const parsed = auditEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject(`${issue?.path.join('.') || '(event)'}: ${issue?.message ?? 'invalid'}`.slice(0, 500));
  }
  const problem = recordingProblem(parsed.data);
  return problem ? reject(problem) : { ok: true, event: parsed.data };
}

// The contract cannot say "a recording event carries a chunk of its own session"; the store insists on it.
function recordingProblem(e: AuditEvent): string | null {
  if (e.type === 'session.recording') {
    if (!e.recording) return 'recording: a session.recording event needs a recording chunk';
    if (e.sessionId !== e.recording.sessionId) return 'recording.sessionId: must equal the event sessionId';
  } else if (e.recording) {
    return `recording: only session.recording events carry one, not ${e.type}`;
  }
  return null;
}
