import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import { AuditPublisher } from './audit-publisher';
import { EventBus } from './event-bus';
import { NatsReadiness } from './nats-readiness';
import { MessagingClient } from './request-client';
import { MESSAGING_OPTIONS, NATS_PROXY, type MessagingOptions } from './tokens';
import { natsConnectionOptions } from './transport';

/**
 * One NATS connection per process for outgoing requests, fan-out events and JetStream publishing.
 * Incoming requests arrive on the Nest microservice transport (see `natsMicroservice`).
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(@Inject(NATS_PROXY) private readonly proxy: ClientNats) {}

  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NATS_PROXY,
          useFactory: async () => {
            const proxy = new ClientNats(natsConnectionOptions(options.natsUrl, `${options.serviceName}-client`));
            await proxy.connect();
            return proxy;
          },
        },
        MessagingClient,
        EventBus,
        AuditPublisher,
        NatsReadiness,
      ],
      exports: [MESSAGING_OPTIONS, NATS_PROXY, MessagingClient, EventBus, AuditPublisher, NatsReadiness],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.proxy.close();
  }
}
