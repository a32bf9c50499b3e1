import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigError, parseConfig, type LoadedConfig } from '@portcullis/config';
import { AuditPublisher, EventBus } from '@portcullis/messaging';
import { loadPolicySet, PolicyError, type PolicySet } from '@portcullis/policy-engine';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { PolicySourceWatcher } from './policy-source';

/**
 * Holds the policy in force and swaps it when its source changes. A bad policy at boot stops the
 * service (better down than deciding wrongly); a bad update later is rejected and the old policy
 * stays, with an audit event saying why. Brokers drop cached decisions on every accepted reload.
 */
@Injectable()
export class PolicyStore implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PolicyStore.name);
  private current: PolicySet;
  private readonly watcher: PolicySourceWatcher;

  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    private readonly events: EventBus,
    private readonly audit: AuditPublisher,
  ) {
    this.current = loadPolicySet(loaded);
    const section = loaded.config.policies;
    this.watcher = new PolicySourceWatcher(
      { file: loaded.path, directory: Array.isArray(section) ? undefined : section.directory },
      () => void this.reload(),
    );
  }

  get policy(): PolicySet {
    return this.current;
  }

  onApplicationBootstrap(): void {
    this.logger.log(
      `policy ${this.current.version} in force: ${this.current.rules.length} rules from ${this.current.sources.join(', ')}`,
    );
    this.watcher.start();
  }

  onModuleDestroy(): void {
    this.watcher.stop();
  }

  /** Re-reads the source; returns whether a new policy was accepted. */
  async reload(): Promise<boolean> {
    let next: PolicySet;
    try {
      next = loadPolicySet(parseConfig(readFileSync(this.loaded.path, 'utf8'), this.loaded.path));
    } catch (err) {
      const problems =
        err instanceof PolicyError || err instanceof ConfigError ? err.problems : [(err as Error).message];
      this.logger.error(`policy update rejected, keeping ${this.current.version}: ${problems.join('; ')}`);
      await this.announce(false, problems.join('; '));
      return false;
    }
    if (next.version === this.current.version) return false;
    const previous = this.current.version;
    this.current = next;
    this.logger.log(`policy ${previous} replaced by ${next.version} (${next.rules.length} rules)`);
    await this.announce(true);
    return true;
  }

  private async announce(accepted: boolean, error?: string): Promise<void> {
    try {
      await this.events.publish('policy.v1.reloaded', {
        policyVersion: this.current.version,
        accepted,
        ...(error ? { error } : {}),
      });
      await this.audit.publish({
        type: 'policy.reloaded',
        outcome: accepted ? 'accepted' : 'rejected',
        ...(error ? { reason: error.slice(0, 2000) } : {}),
        detail: { policyVersion: this.current.version },
      });
    } catch (err) {
      this.logger.error(`could not announce the policy reload: ${(err as Error).message}`);
    }
  }
}
