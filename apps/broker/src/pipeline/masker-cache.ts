import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { resolveSecret, type LoadedConfig } from '@portcullis/config';
import type { Decision } from '@portcullis/contracts';
import { Masker, MIN_HASH_KEY_BYTES } from '@portcullis/masking';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { LRUCache } from 'lru-cache';

export interface DecisionMasker {
  masker: Masker;
  /** Whether a column rule names this column (binary values of such columns are withheld). */
  columnRule(column: string | null): boolean;
}

/**
 * One compiled masker per distinct masking spec, shared by all sessions and front ends. The keyed-hash
 * strategy uses `broker.hashKey`; without it a random per-process key is used (hashes then differ across
 * replicas and restarts, which keeps them unjoinable but still safe), and the broker says so.
 */
@Injectable()
export class MaskerCache {
  private readonly logger = new Logger(MaskerCache.name);
  private readonly cache = new LRUCache<string, DecisionMasker>({ max: 500 });
  // Asked once per result row: the decision object is the same for every row (and, when cached, for
  // every statement), so its masker is found without serialising the rules each time.
  private readonly byDecision = new WeakMap<Decision, DecisionMasker | null>();
  private readonly hashKey: Buffer | string;

  constructor(@Inject(LOADED_CONFIG) loaded: LoadedConfig) {
    const ref = loaded.config.broker.hashKey;
    if (ref) {
      this.hashKey = resolveSecret(ref, 'broker.hashKey');
      // Checked at start: a short key would otherwise fail the first masked query of some agent.
      if (Buffer.byteLength(this.hashKey) < MIN_HASH_KEY_BYTES)
        throw new Error(`broker.hashKey: must be at least ${MIN_HASH_KEY_BYTES} bytes`);
    } else {
      this.hashKey = randomBytes(32);
      this.logger.warn('no broker.hashKey configured: hash-masked values are not joinable across replicas or restarts');
    }
  }

  forDecision(decision: Decision | undefined): DecisionMasker | undefined {
    if (!decision) return undefined;
    const known = this.byDecision.get(decision);
    if (known !== undefined) return known ?? undefined;
    const found = this.compile(decision);
    this.byDecision.set(decision, found ?? null);
    return found;
  }

  private compile(decision: Decision): DecisionMasker | undefined {
    const rules = decision.masking;
    if (!rules || rules.length === 0) return undefined;
    const key = JSON.stringify(rules);
    let found = this.cache.get(key);
    if (!found) {
      const masker = new Masker(rules, { hashKey: this.hashKey });
      found = { masker, columnRule: (column) => masker.columnStrategy(column) !== null };
      this.cache.set(key, found);
    }
    return found;
  }
}
