import { randomBytes } from 'node:crypto';

/** Where a stack finds NATS, PostgreSQL (its store) and Redis. */
export interface Dependencies {
  natsUrl: string;
  postgresUrl: string;
  redisUrl: string;
}

/** The real dependencies on this machine (or CI's), overridable like the services' own settings. */
export const testEnv: Dependencies = {
  natsUrl: process.env.PORTCULLIS_NATS_URL ?? 'nats://127.0.0.1:4222',
  postgresUrl: process.env.PORTCULLIS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/portcullis',
  redisUrl: process.env.PORTCULLIS_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** A fresh NATS namespace per suite, so suites running side by side never answer each other. */
export function uniqueNamespace(label: string): string {
  return `t_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}
