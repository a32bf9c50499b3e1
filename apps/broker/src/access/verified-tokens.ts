import { createHash } from 'node:crypto';
import type { Channel, Principal } from '@portcullis/contracts';
import { LRUCache } from 'lru-cache';

/** How long a verified token is trusted without asking identity again; suspensions clear it at once. */
export const VERIFIED_TOKEN_TTL_MS = 30_000;

/**
 * Tokens identity has verified recently, so a request/response front end (HTTP, MCP, Kubernetes) does not
 * pay a round trip to identity on every request of the same agent. Keyed by a hash of the token: the
 * token itself is never kept. An entry lives at most 30 s and never past the token's expiry, and every
 * entry is dropped when any principal is suspended, so a suspension takes effect as fast as it does for
 * an open Postgres session. Only successes are cached: a refusal is always asked again.
 */
export class VerifiedTokens {
  private readonly cache = new LRUCache<string, Principal>({ max: 10_000 });
  /** Bumped by every clear: an answer asked for before a suspension is not cached after it. */
  generation = 0;

  get(token: string, channel: Channel): Principal | undefined {
    const p = this.cache.get(key(token, channel));
    if (p && p.expiresAt * 1000 <= Date.now()) return undefined;
    return p;
  }

  set(token: string, channel: Channel, principal: Principal, askedAt: number): void {
    if (askedAt !== this.generation) return;
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, principal.expiresAt * 1000 - Date.now());
    if (ttl > 0) this.cache.set(key(token, channel), principal, { ttl });
  }

  clear(): void {
    this.generation += 1;
    this.cache.clear();
  }
}

function key(token: string, channel: Channel): string {
  return `${channel}:${createHash('sha256').update(token).digest('base64url')}`;
}
