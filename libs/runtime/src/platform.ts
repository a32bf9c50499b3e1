import type { DynamicModule, Type } from '@nestjs/common';
import type { ServiceName } from '@portcullis/contracts';
import type { LoadedConfig } from '@portcullis/config';
import { MessagingModule, NatsReadiness } from '@portcullis/messaging';
import { ConfigModule } from './config.module';
import { HealthModule } from './health.module';
import type { ReadinessCheck } from './readiness';

/** The modules every service has: its config, NATS messaging, and health with its readiness checks. */
export function platformImports(
  service: ServiceName,
  loaded: LoadedConfig,
  readiness: Array<Type<ReadinessCheck>> = [],
): DynamicModule[] {
  return [
    ConfigModule.forRoot(loaded),
    MessagingModule.forRoot({
      serviceName: service,
      natsUrl: loaded.config.nats.url,
      requestTimeoutMs: loaded.config.messaging.requestTimeoutMs,
    }),
    HealthModule.forRoot([NatsReadiness, ...readiness]),
  ];
}
