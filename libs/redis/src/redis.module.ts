import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { PortcullisConfig } from '@portcullis/config';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

@Injectable()
export class RedisReadiness {
  readonly name = 'redis';
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async check(): Promise<void> {
    const answer = await this.redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * One Redis client per process. Commands fail fast while Redis is away (no offline queue), so a caller
 * sees an error it can fail closed on instead of a request hanging until reconnection.
 */
@Module({})
export class RedisModule {
  static forRoot(config: PortcullisConfig): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(config.redis.url, {
              keyPrefix: config.redis.keyPrefix,
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              connectTimeout: 3000,
            }),
        },
        RedisReadiness,
        RedisCloser,
      ],
      exports: [REDIS, RedisReadiness],
    };
  }
}
