import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import { NATS_PROXY } from '@portcullis/messaging';
import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { AuditStreamSetup } from '../stream/audit-stream.setup';
import { prepareEvent, type PreparedEvent } from './batch-linker';
import { ChainAppender, type RejectedMessage } from './chain-appender';
import { decodeMessage } from './event-decoder';
import { ingestBatchSeconds, ingestedTotal } from './ingest.metrics';

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5000;

/** A delivered message, already decoded and prepared (or judged not to be an event). */
interface Delivery {
  msg: JsMsg;
  item: { prepared: PreparedEvent } | { rejected: RejectedMessage };
}

function prepare(msg: JsMsg): Delivery {
  const raw = { data: msg.data, subject: msg.subject, seq: msg.seq };
  try {
    const d = decodeMessage(raw);
    return { msg, item: d.ok ? { prepared: prepareEvent(d.event) } : { rejected: d.rejected } };
  } catch (err) {
    // A message that breaks preparation must not stop the consumer (it would come back forever).
    const reason = `could not be prepared: ${(err as Error).message}`.slice(0, 500);
    return {
      msg,
      item: { rejected: { streamSeq: msg.seq, subject: msg.subject, reason, raw: Buffer.from(msg.data) } },
    };
  }
}

/**
 * Drains the audit stream into the chain. Messages arrive on a durable pull consumer shared by every
 * replica; a writer takes whatever has arrived (up to a batch) and appends it in one transaction, so
 * batches grow with the load and a quiet system still stores each event at once. Acks go out only
 * after the commit: a crash loses nothing (unacked messages come back) and duplicates nothing (the
 * appender skips ids it already holds).
 */
@Injectable()
export class AuditIngest implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditIngest.name);
  private readonly buffer: Delivery[] = [];
  private messages?: ConsumerMessages;
  private wake?: () => void;
  private space?: () => void;
  private writer?: Promise<void>;
  private stopping = false;
  private consuming = false;

  constructor(
    @Inject(NATS_PROXY) private readonly proxy: ClientNats,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
    private readonly stream: AuditStreamSetup,
    private readonly appender: ChainAppender,
  ) {}

  /** Ready once the consumer is attached; /readyz reports it. */
  get attached(): boolean {
    return this.consuming && !this.stopping;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.attach();
    this.writer = this.writeLoop();
  }

  /** Creates (or updates) the stream and the consumer, then starts pulling from it. */
  private async attach(): Promise<void> {
    const nc = this.proxy.unwrap<NatsConnection>();
    const { stream, durable } = await this.stream.ensure(await nc.jetstreamManager());
    const consumer = await nc.jetstream().consumers.get(stream, durable);
    // Abort (rather than wait forever) when the consumer or stream disappears: reattach() recreates them.
    this.messages = await consumer.consume({
      max_messages: this.settings.ingest.batchSize * 2,
      abort_on_missing_resource: true,
    });
    this.consuming = true;
    void this.pump(this.messages);
  }

  // The consumer can go away under us (deleted by an operator, the stream recreated): attach again.
  private async reattach(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt)));
      if (this.stopping) return;
      try {
        await this.attach();
        this.logger.warn('audit consumer attached again');
        return;
      } catch (err) {
        this.logger.error(`attaching the audit consumer failed: ${(err as Error).message}`);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.messages?.stop();
    this.wake?.();
    this.space?.();
    await this.writer;
  }

  private async pump(messages: ConsumerMessages): Promise<void> {
    try {
      // Decoding runs here, while the writer waits on the database, so the two overlap.
      for await (const m of messages) {
        this.buffer.push(prepare(m));
        this.wake?.();
        if (this.buffer.length >= this.settings.ingest.batchSize * 4 && !this.stopping) {
          await new Promise<void>((resolve) => (this.space = resolve));
          this.space = undefined;
        }
      }
    } catch (err) {
      this.logger.error(`audit consumer stopped: ${(err as Error).message}`);
    } finally {
      this.consuming = false;
      if (!this.stopping) void this.reattach();
    }
  }

  private async writeLoop(): Promise<void> {
    while (!this.stopping) {
      if (this.buffer.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const batch = this.buffer.splice(0, this.settings.ingest.batchSize);
      this.space?.();
      await this.store(batch);
    }
    // Shutting down: whatever arrived but was not written goes straight back to the other replicas.
    for (const d of this.buffer.splice(0)) d.msg.nak();
  }

  /** Appends a batch, retrying while the database is unreachable; acks only what is committed. */
  private async store(batch: Delivery[]): Promise<void> {
    const stop = ingestBatchSeconds.startTimer();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.appendIsolating(batch);
        for (const d of batch) d.msg.ack();
        stop();
        return;
      } catch (err) {
        if (this.stopping) {
          for (const d of batch) d.msg.nak();
          return;
        }
        const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
        this.logger.error(
          `storing ${batch.length} audit events failed, retrying in ${wait} ms: ${(err as Error).message}`,
        );
        // Keep the lease on these messages while we wait, so they are not handed to another replica.
        for (const d of batch) d.msg.working();
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /**
   * A batch refused for its data (not for a lost connection) is split until the one bad message is
   * alone; that one is kept as rejected, so a single bad event can never hold up the stream.
   */
  private async appendIsolating(batch: Delivery[]): Promise<void> {
    const events: PreparedEvent[] = [];
    const rejected: RejectedMessage[] = [];
    for (const { item } of batch) {
      if ('prepared' in item) events.push(item.prepared);
      else rejected.push(item.rejected);
    }
    try {
      const r = await this.appender.append(events, rejected);
      ingestedTotal.inc({ outcome: 'stored' }, r.stored);
      ingestedTotal.inc({ outcome: 'duplicate' }, r.duplicates);
      ingestedTotal.inc({ outcome: 'rejected' }, r.rejected);
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.appendIsolating(batch.slice(0, half));
        await this.appendIsolating(batch.slice(half));
        return;
      }
      const m = batch[0].msg;
      const reason = `refused by the database: ${(err as Error).message}`.slice(0, 500);
      await this.appender.append([], [{ streamSeq: m.seq, subject: m.subject, reason, raw: Buffer.from(m.data) }]);
      ingestedTotal.inc({ outcome: 'rejected' });
    }
  }
}

/** SQLSTATE classes that depend on the rows written, not on the server: data, integrity, limits. */
function isDataError(err: unknown): boolean {
  const code =
    (err as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}
