import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests, each approver's decision, the grants they produce and the webhook outbox. Invariants that
 * must hold across replicas live here as constraints, not in process memory.
 */
export class Approvals1764400000000 implements MigrationInterface {
  name = 'Approvals1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE approval.requests (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
        principal_id text NOT NULL,
        tenant text NOT NULL DEFAULT '',
        principal_kind text NOT NULL CHECK (principal_kind IN ('agent', 'human')),
        principal jsonb NOT NULL,
        connection text NOT NULL,
        connection_ref jsonb NOT NULL,
        action jsonb NOT NULL,
        command_text text NOT NULL,
        command_fingerprint text NOT NULL,
        terms jsonb NOT NULL,
        approver_groups text[] NOT NULL,
        min_approvals integer NOT NULL CHECK (min_approvals >= 1),
        rule_ids text[] NOT NULL,
        agent_reason text,
        session_id text,
        trace_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        decided_by text[] NOT NULL DEFAULT '{}',
        decided_comment text,
        outcome_published_at timestamptz,
        CHECK ((status = 'pending') = (decided_at IS NULL))
      )`);
    // One open request per principal, connection and command, however many replicas an agent's retries hit.
    await q.query(`
      CREATE UNIQUE INDEX requests_one_pending
        ON approval.requests (principal_id, tenant, connection, command_fingerprint) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX requests_pending_expiry ON approval.requests (expires_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE INDEX requests_unpublished ON approval.requests (decided_at)
        WHERE status <> 'pending' AND outcome_published_at IS NULL`);
    await q.query(`CREATE INDEX requests_by_approver_group ON approval.requests USING gin (approver_groups)`);
    await q.query(
      `CREATE INDEX requests_by_principal ON approval.requests (principal_id, tenant, connection, created_at DESC)`,
    );

    await q.query(`
      CREATE TABLE approval.decisions (
        id bigserial PRIMARY KEY,
        approval_id uuid NOT NULL REFERENCES approval.requests (id),
        approver_id text NOT NULL,
        approver_tenant text NOT NULL DEFAULT '',
        approver_name text,
        approver_groups text[] NOT NULL,
        via text NOT NULL CHECK (via IN ('api', 'slack')),
        decision text NOT NULL CHECK (decision IN ('approve', 'deny')),
        comment text,
        window_seconds integer CHECK (window_seconds > 0),
        decided_at timestamptz NOT NULL DEFAULT now(),
        -- n-of-m counts people, and a person decides once: decisions are final.
        UNIQUE (approval_id, approver_id)
      )`);

    await q.query(`
      CREATE TABLE approval.grants (
        id uuid PRIMARY KEY,
        approval_id uuid NOT NULL UNIQUE REFERENCES approval.requests (id),
        kind text NOT NULL CHECK (kind IN ('once', 'window')),
        scope text NOT NULL CHECK (scope IN ('command', 'connection')),
        principal_id text NOT NULL,
        tenant text NOT NULL DEFAULT '',
        connection text NOT NULL,
        command_fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz,
        uses integer NOT NULL DEFAULT 0,
        CHECK (kind = 'once' OR consumed_at IS NULL),
        CHECK ((kind = 'once') = (scope = 'command'))
      )`);
    await q.query(`CREATE INDEX grants_lookup ON approval.grants (principal_id, tenant, connection, expires_at)`);

    await q.query(`
      CREATE TABLE approval.webhook_deliveries (
        id uuid PRIMARY KEY,
        webhook text NOT NULL,
        event_type text NOT NULL,
        approval_id uuid NOT NULL REFERENCES approval.requests (id),
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due ON approval.webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_by_approval ON approval.webhook_deliveries (approval_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE approval.webhook_deliveries');
    await q.query('DROP TABLE approval.grants');
    await q.query('DROP TABLE approval.decisions');
    await q.query('DROP TABLE approval.requests');
  }
}
