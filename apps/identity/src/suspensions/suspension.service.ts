import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@portcullis/contracts';
import { AuditPublisher, EventBus } from '@portcullis/messaging';
import { REDIS } from '@portcullis/redis';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ANY_TENANT, memberKey, SuspensionCache } from './suspension-cache';
import { SuspensionEntity } from './suspension.entity';

export interface SuspensionTarget {
  principalId: string;
  /** null: every tenant (an admin who omits the tenant must not suspend nobody). */
  tenant: string | null;
}

const storedTenant = (t: SuspensionTarget): string => t.tenant ?? ANY_TENANT;

/**
 * Suspending an identity: recorded in Postgres first (it must survive any restart), mirrored to Redis
 * for fast checks, then announced so every broker replica ends that principal's live sessions.
 */
@Injectable()
export class SuspensionService {
  private readonly logger = new Logger(SuspensionService.name);
  private readonly cache: SuspensionCache;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(REDIS) redis: Redis,
    private readonly events: EventBus,
    private readonly audit: AuditPublisher,
  ) {
    this.cache = new SuspensionCache(redis);
  }

  async isSuspended(principalId: string, tenant: string | null): Promise<boolean> {
    try {
      const cached = await this.cache.lookup(principalId, tenant);
      if (cached !== undefined) return cached;
      await this.rebuildCache();
    } catch (err) {
      this.logger.warn(`suspension cache unavailable, asking Postgres: ${(err as Error).message}`);
    }
    // Postgres is the truth; if it is unreachable too this throws and the caller refuses the token.
    const rows: unknown[] = await this.ds.query(
      'SELECT 1 FROM identity.suspensions WHERE principal_id = $1 AND tenant IN ($2, $3) LIMIT 1',
      [principalId, tenant ?? '', ANY_TENANT],
    );
    return rows.length > 0;
  }

  async suspend(target: SuspensionTarget, reason: string, actor: Principal): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO identity.suspensions (principal_id, tenant, reason, suspended_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (principal_id, tenant) DO UPDATE SET reason = excluded.reason, suspended_by = excluded.suspended_by`,
        [target.principalId, storedTenant(target), reason, actor.id],
      );
      await this.log(m, target, 'suspend', reason, actor);
    });
    await this.cache
      .add(target.principalId, storedTenant(target))
      .catch((e: Error) => this.logger.warn(`cache: ${e.message}`));
    await this.announce(target, true, reason, actor);
  }

  async unsuspend(target: SuspensionTarget, reason: string, actor: Principal): Promise<boolean> {
    // No tenant named: lift every suspension of this principal id, whatever tenant it was recorded for.
    const removedTenants = await this.ds.transaction(async (m) => {
      const [rows]: [Array<{ tenant: string }>, number] = await m.query(
        `DELETE FROM identity.suspensions WHERE principal_id = $1 AND ($2::text IS NULL OR tenant = $2) RETURNING tenant`,
        [target.principalId, target.tenant],
      );
      for (const r of rows)
        await this.log(m, { principalId: target.principalId, tenant: r.tenant }, 'unsuspend', reason, actor);
      return rows.map((r) => r.tenant);
    });
    // Without a working cache update the principal would stay refused: that error reaches the admin.
    for (const t of removedTenants) await this.cache.remove(target.principalId, t);
    if (removedTenants.length > 0) await this.announce(target, false, reason, actor);
    return removedTenants.length > 0;
  }

  private async rebuildCache(): Promise<void> {
    const rows = await this.ds.getRepository(SuspensionEntity).find();
    await this.cache.rebuild(rows.map((r) => memberKey(r.principalId, r.tenant)));
  }

  private async log(
    m: { query(sql: string, params: unknown[]): Promise<unknown> },
    target: SuspensionTarget,
    action: 'suspend' | 'unsuspend',
    reason: string,
    actor: Principal,
  ): Promise<void> {
    await m.query(
      'INSERT INTO identity.suspension_log (principal_id, tenant, action, reason, actor) VALUES ($1, $2, $3, $4, $5)',
      [target.principalId, storedTenant(target), action, reason, actor.id],
    );
  }

  private async announce(
    target: SuspensionTarget,
    suspended: boolean,
    reason: string,
    actor: Principal,
  ): Promise<void> {
    await this.events.publish('identity.v1.principal-suspended', {
      principalId: target.principalId,
      tenant: target.tenant,
      suspended,
      reason,
      by: actor.id,
      at: new Date().toISOString(),
    });
    await this.audit.publish({
      type: suspended ? 'identity.suspended' : 'identity.unsuspended',
      principal: { id: actor.id, kind: actor.kind, tenant: actor.tenant, appId: actor.appId, groups: actor.groups },
      channel: 'api',
      reason,
      detail: { targetPrincipalId: target.principalId, targetTenant: target.tenant },
    });
  }
}
