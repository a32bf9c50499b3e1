import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import { ensureAuditStream, NATS_PROXY } from '@portcullis/messaging';
import type { NatsConnection } from 'nats';

/** The audit service owns the audit stream: it creates it (or updates its limits) when it starts. */
@Injectable()
export class AuditStreamSetup implements OnApplicationBootstrap {
  constructor(@Inject(NATS_PROXY) private readonly proxy: ClientNats) {}

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await this.proxy.unwrap<NatsConnection>().jetstreamManager();
    await ensureAuditStream(jsm);
  }
}
