import { Inject, Injectable } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import { requestContracts, type RequestOf, type RequestSubject, type ResponseOf } from '@portcullis/contracts';
import { injectTraceContext, natsRequestDuration } from '@portcullis/telemetry';
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, JSONCodec, type NatsConnection } from 'nats';
import { MessagingError } from './errors';
import { subjectFor } from './namespace';
import { MESSAGING_OPTIONS, NATS_PROXY, type MessagingOptions } from './tokens';

/**
 * Typed request/reply to another service. The payload is checked against the subject's contract before
 * it leaves and the answer before it is returned, so a peer on a different version fails loudly here
 * rather than being misread.
 */
@Injectable()
export class MessagingClient {
  constructor(
    @Inject(NATS_PROXY) private readonly proxy: ClientNats,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async request<S extends RequestSubject>(
    subject: S,
    payload: RequestOf<S>,
    opts: { timeoutMs?: number } = {},
  ): Promise<ResponseOf<S>> {
    const contract = requestContracts[subject];
    const checked = contract.request.safeParse(payload);
    if (!checked.success)
      throw new MessagingError('bad_request', subject, checked.error.issues[0]?.message ?? 'invalid');
    const hdrs = natsHeaders();
    injectTraceContext((k, v) => hdrs.set(k, v));
    const ms = opts.timeoutMs ?? this.options.requestTimeoutMs;
    const stop = natsRequestDuration.startTimer({ subject });
    let raw: unknown;
    try {
      // Nest's packet format, so the handlers stay ordinary Nest message handlers; sent with the
      // connection's shared reply subscription (one write per request, not subscribe/publish/unsubscribe).
      const msg = await this.connection().request(
        subjectFor(subject),
        codec.encode({ pattern: subjectFor(subject), data: checked.data, id: randomUUID() }),
        { timeout: ms, headers: hdrs },
      );
      if (msg.data.length === 0)
        throw new MessagingError('unavailable', subject, 'no service is answering this subject');
      const reply = codec.decode(msg.data) as { err?: unknown; response?: unknown };
      if (reply.err !== undefined && reply.err !== null) throw reply.err;
      raw = reply.response;
    } catch (err) {
      const failure = toMessagingError(subject, err, ms);
      stop({ outcome: failure.code });
      throw failure;
    }
    const parsed = contract.response.safeParse(raw);
    if (!parsed.success) {
      stop({ outcome: 'bad_response' });
      throw new MessagingError('bad_response', subject, parsed.error.issues[0]?.message ?? 'invalid');
    }
    stop({ outcome: 'ok' });
    return parsed.data as ResponseOf<S>;
  }

  private connection(): NatsConnection {
    return this.proxy.unwrap<NatsConnection>();
  }
}

const codec = JSONCodec();

function toMessagingError(subject: string, err: unknown, ms: number): MessagingError {
  if (err instanceof MessagingError) return err;
  const e = err as { name?: string; code?: string; message?: string } | null;
  if (e?.code === 'TIMEOUT') return new MessagingError('timeout', subject, `no answer within ${ms} ms`);
  // An empty reply is NATS telling us nobody is subscribed to the subject (no responders).
  if (e?.name === 'EmptyResponseException' || e?.code === '503') {
    return new MessagingError('unavailable', subject, 'no service is answering this subject');
  }
  if (e && typeof e === 'object' && 'code' in e && typeof e.message === 'string') {
    return new MessagingError(e.code === 'bad_request' ? 'bad_request' : 'remote_error', subject, e.message);
  }
  return new MessagingError('unavailable', subject, e?.message ?? String(err));
}
