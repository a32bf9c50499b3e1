import { auditEventSchema, type AuditEvent } from '@portcullis/contracts';
import { auditStreamName, subjectFor } from '@portcullis/messaging';
import { connect, JSONCodec } from 'nats';

/** Every approval audit event the stream has stored for one approval (the stack's namespace must be set). */
export async function approvalAuditEvents(natsUrl: string, approvalId: string): Promise<AuditEvent[]> {
  const nc = await connect({ servers: [natsUrl] });
  try {
    const js = nc.jetstream();
    const consumer = await js.consumers.get(auditStreamName(), {
      // One subject, not a list: filter_subjects needs nats-server 2.10.
      filterSubjects: subjectFor('audit.v1.approval.>'),
    });
    const codec = JSONCodec();
    const events: AuditEvent[] = [];
    const batch = await consumer.fetch({ max_messages: 10000, expires: 1000 });
    for await (const m of batch) {
      events.push(auditEventSchema.parse(codec.decode(m.data)));
      if (m.info.pending === 0) break;
    }
    return events.filter((e) => e.approvalId === approvalId);
  } finally {
    await nc.close();
  }
}

/**
 * Removes the audit stream the stack's audit service created (stack.stop leaves it, and each one
 * reserves JetStream storage). Only ever a namespaced stream: never the shared default one.
 */
export async function deleteAuditStream(natsUrl: string, stack: { namespace: string } | undefined): Promise<void> {
  if (!stack || process.env.PORTCULLIS_NATS_NAMESPACE !== stack.namespace) return;
  const nc = await connect({ servers: [natsUrl] });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(auditStreamName()).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
