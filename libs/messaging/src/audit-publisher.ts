import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import { auditSubjectFor, type AuditEvent } from '@portcullis/contracts';
import { currentTraceId } from '@portcullis/telemetry';
import { JSONCodec, type JetStreamClient, type NatsConnection } from 'nats';
import { auditEventProblem, describeAuditEventProblem } from './audit-event-check';
import { MessagingError } from './errors';
import { subjectFor } from './namespace';
import { MESSAGING_OPTIONS, NATS_PROXY, type MessagingOptions } from './tokens';

const codec = JSONCodec();
export type AuditDraft = Omit<AuditEvent, 'id' | 'time' | 'source'> & Partial<Pick<AuditEvent, 'id' | 'time'>>;

/**
 * Publishes audit events to the JetStream audit stream and resolves only once the stream has stored
 * them. Calls may overlap: acknowledgements are pipelined, not taken one at a time. The event id is the
 * JetStream message id, so a retry after a lost ack is stored once.
 */
@Injectable()
export class AuditPublisher {
  private js?: JetStreamClient;

  constructor(
    @Inject(NATS_PROXY) private readonly proxy: ClientNats,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  private async jetstream(): Promise<JetStreamClient> {
    if (!this.js) {
      await this.proxy.connect();
      this.js = this.proxy.unwrap<NatsConnection>().jetstream();
    }
    return this.js;
  }

  async publish(draft: AuditDraft, opts: { timeoutMs?: number } = {}): Promise<AuditEvent> {
    const event: AuditEvent = {
      ...draft,
      id: draft.id ?? randomUUID(),
      time: draft.time ?? new Date().toISOString(),
      source: this.options.serviceName,
      traceId: draft.traceId ?? currentTraceId(),
    };
    const subject = subjectFor(auditSubjectFor(event.type));
    // The contract is checked here, before anything is sent, with a check cheaper than a zod parse.
    if (auditEventProblem(event) !== undefined)
      throw new MessagingError('bad_request', subject, `invalid audit event: ${describeAuditEventProblem(event)}`);
    try {
      const js = await this.jetstream();
      await js.publish(subject, codec.encode(event), {
        msgID: event.id,
        timeout: opts.timeoutMs ?? this.options.requestTimeoutMs,
      });
    } catch (err) {
      throw new MessagingError('unavailable', subject, `audit stream did not acknowledge: ${(err as Error).message}`);
    }
    return event;
  }
}
