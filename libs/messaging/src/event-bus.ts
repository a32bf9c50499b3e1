import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import { eventContracts, type EventOf, type EventSubject } from '@portcullis/contracts';
import { JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { subjectFor } from './namespace';
import { NATS_PROXY } from './tokens';

const codec = JSONCodec();

/**
 * Fan-out events: unlike request subjects (one replica answers, via the queue group), every subscriber
 * receives every event. A suspension must reach every broker replica, not one of them.
 */
@Injectable()
export class EventBus implements OnModuleDestroy {
  private readonly logger = new Logger(EventBus.name);
  private readonly subscriptions: Subscription[] = [];

  constructor(@Inject(NATS_PROXY) private readonly proxy: ClientNats) {}

  private async connection(): Promise<NatsConnection> {
    await this.proxy.connect();
    return this.proxy.unwrap<NatsConnection>();
  }

  async publish<S extends EventSubject>(subject: S, payload: EventOf<S>): Promise<void> {
    const data = eventContracts[subject].payload.parse(payload);
    const nc = await this.connection();
    nc.publish(subjectFor(subject), codec.encode(data));
    // Flush so the event has reached the server before the caller reports success.
    await nc.flush();
  }

  async subscribe<S extends EventSubject>(
    subject: S,
    handler: (event: EventOf<S>) => void | Promise<void>,
  ): Promise<void> {
    const nc = await this.connection();
    const sub = nc.subscribe(subjectFor(subject), {
      callback: (err, msg) => {
        if (err) return this.logger.error(`${subject}: ${err.message}`);
        let decoded: unknown;
        try {
          decoded = codec.decode(msg.data);
        } catch {
          return this.logger.warn(`${subject}: dropped an event that is not JSON`);
        }
        const parsed = eventContracts[subject].payload.safeParse(decoded);
        if (!parsed.success) return this.logger.warn(`${subject}: dropped an event that breaks its contract`);
        Promise.resolve(handler(parsed.data as EventOf<S>)).catch((e: Error) =>
          this.logger.error(`${subject} handler failed: ${e.message}`),
        );
      },
    });
    this.subscriptions.push(sub);
    await nc.flush();
  }

  /**
   * Calls listener each time the connection to NATS is re-established. Events are delivered at most once:
   * whatever was published while this process was cut off is gone, and a subscriber that must not miss one
   * (a suspension) has to ask for the current state here.
   */
  async onReconnect(listener: () => void): Promise<void> {
    const nc = await this.connection();
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'reconnect') listener();
    })().catch((e: Error) => this.logger.error(`connection status stream ended: ${e.message}`));
  }

  onModuleDestroy(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
