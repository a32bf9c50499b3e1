import type Redis from 'ioredis';

const SET = 'identity:suspended';
const LOADED = 'identity:suspended:loaded';

/** Stored tenant: '' for principals without one, '*' for a suspension that applies in every tenant. */
export const ANY_TENANT = '*';
export const memberKey = (principalId: string, tenant: string | null): string => `${tenant ?? ''}/${principalId}`;

/**
 * Redis mirror of the suspensions table, shared by identity replicas. Redis here keeps nothing on disk,
 * so a marker key says the mirror is complete; without it the set is rebuilt from Postgres before it is
 * believed, and an empty set after a Redis restart is never read as "nobody is suspended".
 */
export class SuspensionCache {
  constructor(private readonly redis: Redis) {}

  /** true / false when the mirror is complete, undefined when it must be rebuilt first. */
  async lookup(principalId: string, tenant: string | null): Promise<boolean | undefined> {
    const res = await this.redis
      .multi()
      .exists(LOADED)
      .sismember(SET, memberKey(principalId, tenant))
      .sismember(SET, memberKey(principalId, ANY_TENANT))
      .exec();
    if (!res) throw new Error('redis transaction aborted');
    const failed = res.find(([e]) => e);
    if (failed) throw failed[0];
    const [[, loaded], [, exact], [, anyTenant]] = res;
    return loaded === 1 ? exact === 1 || anyTenant === 1 : undefined;
  }

  /**
   * Adds every suspended member, then marks the mirror complete. Nothing is deleted here: a concurrent
   * unsuspend may leave a stale member, which errs on the side of refusing, and the next unsuspend of
   * that principal removes it.
   */
  async rebuild(members: string[]): Promise<void> {
    const tx = this.redis.multi();
    if (members.length > 0) tx.sadd(SET, ...members);
    tx.set(LOADED, '1');
    await tx.exec();
  }

  async add(principalId: string, tenant: string | null): Promise<void> {
    await this.redis.sadd(SET, memberKey(principalId, tenant));
  }

  async remove(principalId: string, tenant: string | null): Promise<void> {
    await this.redis.srem(SET, memberKey(principalId, tenant));
  }
}
