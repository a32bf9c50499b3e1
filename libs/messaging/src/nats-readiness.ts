import { Inject, Injectable } from '@nestjs/common';
import type { ClientNats } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { NATS_PROXY } from './tokens';

/** Ready means a round trip to the NATS server works now and JetStream answers. */
@Injectable()
export class NatsReadiness {
  readonly name = 'nats';
  constructor(@Inject(NATS_PROXY) private readonly proxy: ClientNats) {}

  async check(timeoutMs = 1000): Promise<void> {
    const nc = this.proxy.unwrap<NatsConnection>();
    if (nc.isClosed()) throw new Error('NATS connection closed');
    await withTimeout(nc.flush(), timeoutMs, 'NATS did not answer');
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    await withTimeout(jsm.getAccountInfo(), timeoutMs, 'JetStream did not answer');
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
