import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { startTestIssuer } from './testing/test-issuer';
import type { TestIssuer } from './testing/test-issuer';
import { JwksCache } from './jwks-cache';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `portcullis-test:token-verifier:${randomUUID()}:`;

let idp: TestIssuer;
let redis: Redis;

beforeAll(async () => {
  idp = await startTestIssuer();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  expect(await redis.keys(`${prefix}*`)).toHaveLength(0);
  await redis.quit();
  await idp.close();
});

/** A fetch that records calls and delegates to the real one. */
function countingFetch(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      calls.push(String(input));
      return fetch(input, init);
    }) as typeof fetch,
  };
}

describe('Redis-shared JWKS cache', () => {
  it('lets a second replica get keys from Redis without fetching, with a TTL, and share a rolled key', async () => {
    const a = countingFetch();
    const b = countingFetch();
    const replicaA = new JwksCache({ redis, redisPrefix: prefix, fetch: a.fetch, maxAgeMs: 60 * 60_000 });
    const replicaB = new JwksCache({ redis, redisPrefix: prefix, fetch: b.fetch, maxAgeMs: 60 * 60_000 });

    expect(await replicaA.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).not.toBeNull();
    expect(a.calls).toEqual([idp.jwksUri]);

    expect(await replicaB.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).not.toBeNull();
    expect(b.calls).toHaveLength(0);

    const [key] = await redis.keys(`${prefix}*`);
    expect(key).toBeDefined();
    const ttl = await redis.ttl(key as string);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    // The stored value holds the public keys only and is keyed by a hash, not the URI.
    expect(key).not.toContain('http');
    expect(await redis.get(key as string)).not.toMatch(/"d"\s*:/);

    // The issuer rolls its key; replica A learns it (its cooldown allows: new cache instance).
    const rolledKid = await idp.rotateKeys();
    const replicaA2 = new JwksCache({ redis, redisPrefix: prefix, fetch: a.fetch, refreshCooldownMs: 0 });
    expect(await replicaA2.getKey(idp.jwksUri, rolledKid, 'RS256')).not.toBeNull();
    // Replica B still has the old set in memory and is inside its cooldown; it finds the new kid in Redis.
    await new Promise((r) => setTimeout(r, 1_050));
    expect(await replicaB.getKey(idp.jwksUri, rolledKid, 'RS256')).not.toBeNull();
    expect(b.calls).toHaveLength(0);
  });

  it.each([
    ['failing', () => Promise.reject(new Error('ECONNREFUSED'))],
    ['hanging', () => new Promise<never>(() => undefined)],
  ])('falls back to the network when Redis is %s', async (_label, op) => {
    // A stand-in client: a real ioredis pointed at a dead port leaves its own timers behind.
    const broken = { get: op, set: op } as unknown as Redis;
    const f = countingFetch();
    const cache = new JwksCache({ redis: broken, redisPrefix: prefix, fetch: f.fetch });
    const started = Date.now();
    expect(await cache.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).not.toBeNull();
    expect(f.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ignores a shared entry stored for a different URI', async () => {
    const other = `${prefix}other:`;
    const seed = new JwksCache({ redis, redisPrefix: other });
    await seed.getKey(idp.jwksUri, idp.activeKid(), 'RS256');
    const [key] = await redis.keys(`${other}*`);
    const stored = JSON.parse((await redis.get(key as string)) as string) as { uri: string };
    await redis.set(key as string, JSON.stringify({ ...stored, uri: 'http://127.0.0.1:1/elsewhere' }), 'EX', 60);
    const f = countingFetch();
    const cache = new JwksCache({ redis, redisPrefix: other, fetch: f.fetch });
    expect(await cache.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).not.toBeNull();
    expect(f.calls).toHaveLength(1);
  });
});
