import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Suspensions live in Postgres because Redis here keeps nothing on disk; Redis only caches them. */
export class Suspensions1764300000000 implements MigrationInterface {
  name = 'Suspensions1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity.suspensions (
        principal_id text NOT NULL,
        tenant text NOT NULL DEFAULT '',
        reason text NOT NULL,
        suspended_by text NOT NULL,
        suspended_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, tenant)
      )`);
    await q.query(`
      CREATE TABLE identity.suspension_log (
        id bigserial PRIMARY KEY,
        principal_id text NOT NULL,
        tenant text NOT NULL DEFAULT '',
        action text NOT NULL CHECK (action IN ('suspend', 'unsuspend')),
        reason text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE identity.suspension_log');
    await q.query('DROP TABLE identity.suspensions');
  }
}
