import { AUDIT_SUBJECT_PREFIX } from '@portcullis/contracts';
import { auditStreamName, subjectFor } from './namespace';
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamInfo } from 'nats';

export interface AuditStreamOptions {
  /** How long events stay in the stream when the audit service is not draining it. */
  maxAgeSeconds: number;
  maxBytes: number;
  replicas: number;
  duplicateWindowSeconds: number;
}

export const defaultAuditStreamOptions: AuditStreamOptions = {
  maxAgeSeconds: 7 * 24 * 3600,
  maxBytes: 1024 ** 3,
  replicas: 1,
  duplicateWindowSeconds: 120,
};

/**
 * Creates the audit stream, or brings an existing one to the wanted limits. File storage, because the
 * write-ahead rule means an acknowledged event must survive a NATS restart. The duplicate window lets a
 * publisher retry with the same event id without storing the event twice.
 */
export async function ensureAuditStream(
  jsm: JetStreamManager,
  opts: AuditStreamOptions = defaultAuditStreamOptions,
  name = auditStreamName(),
  subjects = [subjectFor(`${AUDIT_SUBJECT_PREFIX}.>`)],
): Promise<StreamInfo> {
  const wanted = {
    name,
    subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: opts.maxAgeSeconds * 1e9,
    max_bytes: opts.maxBytes,
    num_replicas: opts.replicas,
    duplicate_window: opts.duplicateWindowSeconds * 1e9,
  };
  try {
    const current = await jsm.streams.info(name);
    return await jsm.streams.update(name, { ...current.config, ...wanted });
  } catch (err) {
    if ((err as { code?: string }).code !== '404') throw err;
    return jsm.streams.add(wanted);
  }
}

/** A durable pull consumer that several audit replicas share: each event goes to one of them. */
export async function ensureAuditConsumer(
  jsm: JetStreamManager,
  durable: string,
  stream = auditStreamName(),
): Promise<void> {
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: 30e9,
    max_ack_pending: 20000,
    deliver_policy: DeliverPolicy.All,
  });
}
