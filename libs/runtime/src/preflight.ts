import { connect } from 'nats';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DependencyUnavailableError, redactUrl, type Dependency } from './dependency-hints';

const TIMEOUT_MS = 3000;

export async function checkNats(url: string): Promise<void> {
  let nc;
  try {
    nc = await connect({ servers: [url], timeout: TIMEOUT_MS, maxReconnectAttempts: 0, reconnect: false });
  } catch (err) {
    throw new DependencyUnavailableError('nats', redactUrl(url), (err as Error).message);
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: TIMEOUT_MS });
    await jsm.getAccountInfo();
  } catch {
    throw new DependencyUnavailableError(
      'nats',
      redactUrl(url),
      'the server answers but JetStream is not enabled (run it with -js)',
    );
  } finally {
    await nc.close();
  }
}

export async function checkPostgres(url: string, password?: string): Promise<void> {
  const client = new Client({ connectionString: url, password, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new DependencyUnavailableError('postgres', redactUrl(url), (err as Error).message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: TIMEOUT_MS,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DependencyUnavailableError('redis', redactUrl(url), (err as Error).message);
  } finally {
    redis.disconnect();
  }
}

export interface PreflightTargets {
  natsUrl: string;
  postgresUrl: string;
  postgresPassword?: string;
  redisUrl: string;
}

/** Checks the listed dependencies in parallel and reports every one that is missing, not just the first. */
export async function preflight(deps: Dependency[], t: PreflightTargets): Promise<DependencyUnavailableError[]> {
  const runs: Record<Dependency, () => Promise<void>> = {
    nats: () => checkNats(t.natsUrl),
    postgres: () => checkPostgres(t.postgresUrl, t.postgresPassword),
    redis: () => checkRedis(t.redisUrl),
  };
  const results = await Promise.allSettled(deps.map((d) => runs[d]()));
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason as DependencyUnavailableError] : []));
}
