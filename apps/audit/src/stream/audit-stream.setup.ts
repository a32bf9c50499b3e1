import { Inject, Injectable } from '@nestjs/common';
import { auditStreamName, ensureAuditStream } from '@portcullis/messaging';
import { AckPolicy, DeliverPolicy, type JetStreamManager } from 'nats';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';

/**
 * The audit service owns the audit stream and its durable consumer: it creates them (or brings their
 * limits to the configured ones) before it starts consuming.
 */
@Injectable()
export class AuditStreamSetup {
  constructor(@Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings) {}

  async ensure(jsm: JetStreamManager): Promise<{ stream: string; durable: string }> {
    const stream = auditStreamName();
    await ensureAuditStream(jsm, this.settings.stream, stream);
    const { durable, ackWaitSeconds, maxAckPending } = this.settings.consumer;
    const limits = { ack_wait: ackWaitSeconds * 1e9, max_ack_pending: maxAckPending };
    try {
      await jsm.consumers.info(stream, durable);
      await jsm.consumers.update(stream, durable, limits);
    } catch (err) {
      if ((err as { code?: string }).code !== '404') throw err;
      // Shared by every replica (a pull consumer hands each message to one of them); explicit acks, sent
      // only after the batch is committed, are what make a crash lose nothing.
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_deliver: -1,
        ...limits,
      });
    }
    return { stream, durable };
  }
}
