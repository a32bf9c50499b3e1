import { createHash } from 'node:crypto';
import type { Decision, Principal } from '@portcullis/contracts';
import { LRUCache } from 'lru-cache';

/**
 * The policy service's own decisions for repeated commands, so a hot statement costs no NATS hop. Only
 * decisions the policy marked cacheable (plain allows that do not depend on literal values) are kept.
 * Keyed by everything a decision depends on: principal (with its groups and roles, which a new token may
 * change), connection, action kind and exact command text. Dropped whole on a policy reload or a
 * suspension, and each entry expires after DECISION_TTL_MS; an answer computed under an older policy
 * version is never stored after a reload.
 */
/**
 * How long a cached decision is used without asking policy again. Short, so that a policy service that is
 * down (or cut off) stops every command within about the same time as an uncached one, yet a hot
 * statement still costs one policy hop per interval rather than one per execution.
 */
export const DECISION_TTL_MS = 2000;

// Principals are objects held by their session: their part of the key is computed once per principal.
const principalKeys = new WeakMap<Principal, string>();

export class DecisionCache {
  private readonly entries: LRUCache<string, Decision>;
  private currentVersion: string | undefined;

  constructor(max = 20000) {
    this.entries = new LRUCache({ max, ttl: DECISION_TTL_MS });
  }

  static key(principal: Principal, connection: string, kind: string, text: string): string {
    let who = principalKeys.get(principal);
    if (who === undefined) {
      who = createHash('sha1')
        .update(
          `${principal.id}\u0000${principal.tenant ?? ''}\u0000${principal.groups.join(',')}\u0000${principal.roles.join(',')}\u0000${principal.kind}`,
        )
        .digest('base64');
      principalKeys.set(principal, who);
    }
    return `${who}\u0000${connection}\u0000${kind}\u0000${text}`;
  }

  get(key: string): Decision | undefined {
    return this.entries.get(key);
  }

  set(key: string, decision: Decision): void {
    if (!decision.cacheable || decision.effect !== 'allow') return;
    if (this.currentVersion !== undefined && decision.policyVersion !== this.currentVersion) return;
    this.entries.set(key, decision);
  }

  /** A new policy is in force: forget everything decided under any other. */
  policyChanged(version: string): void {
    this.currentVersion = version;
    this.entries.clear();
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
