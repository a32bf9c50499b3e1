import { createHash } from 'node:crypto';
import { importJWK } from 'jose';
import type { JWK, KeyLike } from 'jose';
import type { Redis } from 'ioredis';
import { ALLOWED_ALGORITHMS } from './header-rules';
import type { AllowedAlgorithm } from './header-rules';
import { fetchJson } from './http-json';
import { fitsAlgorithm, importableJwk, indexByKid, parseJwks } from './jwk-select';
import { discoverJwksUri } from './discovery';
import { isAllowedUrl } from './url-policy';

export interface JwksCacheOptions {
  fetch?: typeof fetch;
  /** Optional shared cache so replicas fetch an issuer's keys once between them. */
  redis?: Redis;
  /** default 'portcullis:jwks:' */
  redisPrefix?: string;
  /** Minimum gap between network refreshes of one JWKS, default 5 minutes. */
  refreshCooldownMs?: number;
  /** A key set older than this is refreshed in the background; also the Redis TTL. Default 24 hours. */
  maxAgeMs?: number;
  /** Retry gap while no key set was ever obtained, default 10 s. */
  unavailableRetryMs?: number;
  /** default 5 s */
  fetchTimeoutMs?: number;
  /** Allow plain-http JWKS / discovery URLs off loopback (dev only). */
  allowInsecureHttp?: boolean;
  /** epoch milliseconds; default Date.now */
  now?: () => number;
}

/** No key set could be obtained (issuer unreachable and nothing cached). */
export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

interface KeySet {
  keys: Map<string, JWK[]>;
  list: JWK[];
  fetchedAt: number;
  /** Imported keys, per alg+kid; dropped with the set when it is replaced. */
  imported: Map<string, Promise<KeyLike | null>>;
}

interface UriState {
  set: KeySet | null;
  lastNetworkAt: number;
  lastRedisAt: number;
  inflight: Promise<boolean> | null;
}

interface StoredSet {
  v: 1;
  uri: string;
  fetchedAt: number;
  keys: JWK[];
}

const MAX_JWKS_BYTES = 1024 * 1024;
const REDIS_TIMEOUT_MS = 250;
/** Unknown kids re-read the shared copy at most this often, so a kid flood cannot hammer Redis. */
const REDIS_RECHECK_MS = 1_000;

/**
 * Per-JWKS-URI key cache following Microsoft's key-rollover guidance:
 *  - keys are served from memory; a set older than maxAge is refreshed in
 *    the background while the old one keeps serving;
 *  - an unknown kid triggers a refresh at most once per cooldown, so a flood
 *    of made-up kids costs at most one fetch per cooldown per issuer;
 *  - a failed refresh keeps the last known-good set (issuer outage);
 *  - with Redis, a fetched set is shared under a prefix with a TTL, and a
 *    replica consults it before going to the network.
 * Anyone who can write the Redis prefix can plant keys: protect it as you
 * would the verifier's own config.
 */
export class JwksCache {
  private readonly fetchFn: typeof fetch;
  private readonly redis: Redis | null;
  private readonly prefix: string;
  private readonly cooldownMs: number;
  private readonly maxAgeMs: number;
  private readonly unavailableRetryMs: number;
  private readonly fetchTimeoutMs: number;
  private readonly allowInsecureHttp: boolean;
  private readonly now: () => number;
  private readonly states = new Map<string, UriState>();
  private readonly discovered = new Map<string, { uri: string; at: number }>();
  private readonly discoveryFailures = new Map<string, number>();

  constructor(opts: JwksCacheOptions = {}) {
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.redis = opts.redis ?? null;
    this.prefix = opts.redisPrefix ?? 'portcullis:jwks:';
    this.cooldownMs = opts.refreshCooldownMs ?? 5 * 60_000;
    this.maxAgeMs = opts.maxAgeMs ?? 24 * 60 * 60_000;
    this.unavailableRetryMs = opts.unavailableRetryMs ?? 10_000;
    this.fetchTimeoutMs = opts.fetchTimeoutMs ?? 5_000;
    this.allowInsecureHttp = opts.allowInsecureHttp ?? false;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The verification key for `kid` + `alg`, or null when the issuer has no
   * such key (after any refresh the cooldown allows). Throws
   * JwksUnavailableError when no key set can be had, or when the kid is
   * unknown and the refresh that might have found it failed.
   */
  async getKey(jwksUri: string, kid: string, alg: string): Promise<KeyLike | null> {
    if (!(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) return null;
    if (!isAllowedUrl(jwksUri, this.allowInsecureHttp)) throw new JwksUnavailableError('JWKS URI is not allowed');
    const st = this.stateFor(jwksUri);
    if (st.set === null) await this.readShared(jwksUri, st);
    if (st.set === null || !st.set.keys.has(kid)) {
      const refreshFailed = await this.refreshForMiss(jwksUri, st, kid);
      if (st.set === null) throw new JwksUnavailableError('no JWKS could be fetched and none is cached');
      if (!st.set.keys.has(kid)) {
        if (refreshFailed) throw new JwksUnavailableError('kid not in cached JWKS and the refresh failed');
        return null;
      }
    } else if (this.now() - st.set.fetchedAt >= this.maxAgeMs && this.now() - st.lastNetworkAt >= this.cooldownMs) {
      // Stale but usable: refresh off the request path; a failure keeps the current set.
      void this.refreshNetwork(jwksUri, st);
    }
    return this.importKey(st.set, kid, alg as AllowedAlgorithm);
  }

  /** JWKS URI from the issuer's OIDC discovery document, cached like the keys. */
  async discoverJwksUri(issuer: string): Promise<string> {
    const cached = this.discovered.get(issuer);
    if (cached && this.now() - cached.at < this.maxAgeMs) return cached.uri;
    const failedAt = this.discoveryFailures.get(issuer);
    if (!cached && failedAt !== undefined && this.now() - failedAt < this.unavailableRetryMs) {
      throw new JwksUnavailableError('OIDC discovery failed recently');
    }
    try {
      const uri = await discoverJwksUri(this.fetchFn, issuer, {
        timeoutMs: this.fetchTimeoutMs,
        allowInsecureHttp: this.allowInsecureHttp,
      });
      this.discovered.set(issuer, { uri, at: this.now() });
      this.discoveryFailures.delete(issuer);
      return uri;
    } catch (err) {
      this.discoveryFailures.set(issuer, this.now());
      if (cached) return cached.uri; // last known-good, as for keys
      throw new JwksUnavailableError(`OIDC discovery failed: ${(err as Error).message}`);
    }
  }

  private stateFor(uri: string): UriState {
    let st = this.states.get(uri);
    if (!st) {
      st = { set: null, lastNetworkAt: -Infinity, lastRedisAt: -Infinity, inflight: null };
      this.states.set(uri, st);
    }
    return st;
  }

  /** Returns true when a network refresh was attempted and failed. */
  private async refreshForMiss(uri: string, st: UriState, kid: string): Promise<boolean> {
    if (st.set !== null && this.redis && this.now() - st.lastRedisAt >= REDIS_RECHECK_MS) {
      // Another replica may already have picked up the rolled key.
      await this.readShared(uri, st);
      if (st.set.keys.has(kid)) return false;
    }
    const gap = st.set === null ? Math.min(this.unavailableRetryMs, this.cooldownMs) : this.cooldownMs;
    if (this.now() - st.lastNetworkAt < gap) return false;
    return !(await this.refreshNetwork(uri, st));
  }

  /** Single-flight network refresh; resolves true on success. Never rejects. */
  private refreshNetwork(uri: string, st: UriState): Promise<boolean> {
    if (st.inflight) return st.inflight;
    st.lastNetworkAt = this.now();
    st.inflight = (async () => {
      try {
        const body = await fetchJson(
          this.fetchFn,
          uri,
          { headers: { accept: 'application/json' } },
          {
            timeoutMs: this.fetchTimeoutMs,
            maxBytes: MAX_JWKS_BYTES,
          },
        );
        const keys = parseJwks(body);
        if (keys === null) return false;
        st.set = makeSet(keys, this.now());
        await this.writeShared(uri, st.set);
        return true;
      } catch {
        return false;
      } finally {
        st.inflight = null;
      }
    })();
    return st.inflight;
  }

  private redisKey(uri: string): string {
    // Hashed so that the URI's characters never shape the Redis key.
    return this.prefix + createHash('sha256').update(uri).digest('hex');
  }

  private async readShared(uri: string, st: UriState): Promise<void> {
    if (!this.redis) return;
    st.lastRedisAt = this.now();
    const raw = await withTimeout(this.redis.get(this.redisKey(uri)), REDIS_TIMEOUT_MS).catch(() => null);
    if (typeof raw !== 'string') return;
    let stored: StoredSet;
    try {
      stored = JSON.parse(raw) as StoredSet;
    } catch {
      return;
    }
    if (stored?.v !== 1 || stored.uri !== uri || typeof stored.fetchedAt !== 'number') return;
    const keys = parseJwks({ keys: stored.keys });
    if (keys === null) return;
    if (st.set === null || stored.fetchedAt > st.set.fetchedAt) st.set = makeSet(keys, stored.fetchedAt);
  }

  private async writeShared(uri: string, set: KeySet): Promise<void> {
    if (!this.redis) return;
    const stored: StoredSet = { v: 1, uri, fetchedAt: set.fetchedAt, keys: set.list };
    const ttlSeconds = Math.max(1, Math.ceil(this.maxAgeMs / 1000));
    // Best effort: a Redis outage must not turn a good fetch into a failure.
    await withTimeout(
      this.redis.set(this.redisKey(uri), JSON.stringify(stored), 'EX', ttlSeconds),
      REDIS_TIMEOUT_MS,
    ).catch(() => undefined);
  }

  private importKey(set: KeySet, kid: string, alg: AllowedAlgorithm): Promise<KeyLike | null> {
    const cacheKey = `${alg}\u0000${kid}`;
    let pending = set.imported.get(cacheKey);
    if (!pending) {
      const candidate = (set.keys.get(kid) ?? []).find((k) => fitsAlgorithm(k, alg));
      pending = candidate
        ? importJWK(importableJwk(candidate), alg).then(
            (key) => (key instanceof Uint8Array ? null : key),
            () => null,
          )
        : Promise.resolve(null);
      set.imported.set(cacheKey, pending);
    }
    return pending;
  }
}

function makeSet(keys: JWK[], fetchedAt: number): KeySet {
  return { keys: indexByKid(keys), list: keys, fetchedAt, imported: new Map() };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rejectTimeout) => {
    timer = setTimeout(() => rejectTimeout(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
