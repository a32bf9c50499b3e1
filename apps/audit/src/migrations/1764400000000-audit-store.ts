import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only audit store. `events` is the hash chain (one row per event, `seq` its position);
 * `sessions` and `recordings` are indexes over it kept in the same transaction; `rejected` keeps the
 * messages that broke the contract, so nothing delivered is silently dropped. Indexes are explained in
 * docs/audit.md: each one serves a filter of GET /v1/events in (filter, time, seq) order.
 */
export class AuditStore1764400000000 implements MigrationInterface {
  name = 'AuditStore1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit.events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        time timestamptz NOT NULL,
        stored_at timestamptz NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        principal_id text,
        principal_kind text,
        tenant text,
        groups text[] NOT NULL DEFAULT '{}',
        channel text,
        connection text,
        session_id text,
        trace_id text,
        command text,
        decision text,
        rule_ids text[] NOT NULL DEFAULT '{}',
        approval_id text,
        prev_hash bytea NOT NULL,
        session_prev_hash bytea,
        hash bytea NOT NULL,
        body text NOT NULL
      )`);
    await q.query('CREATE INDEX events_time ON audit.events (time, seq)');
    await q.query('CREATE INDEX events_principal ON audit.events (principal_id, time, seq)');
    await q.query('CREATE INDEX events_session ON audit.events (session_id, seq) WHERE session_id IS NOT NULL');
    await q.query(
      'CREATE INDEX events_connection ON audit.events (connection, time, seq) WHERE connection IS NOT NULL',
    );
    await q.query('CREATE INDEX events_type ON audit.events (type, time, seq)');
    await q.query('CREATE INDEX events_decision ON audit.events (decision, time, seq) WHERE decision IS NOT NULL');
    await q.query('CREATE INDEX events_approval ON audit.events (approval_id) WHERE approval_id IS NOT NULL');
    await q.query('CREATE INDEX events_trace ON audit.events (trace_id) WHERE trace_id IS NOT NULL');
    await q.query('CREATE INDEX events_rule_ids ON audit.events USING gin (rule_ids)');
    await q.query('CREATE INDEX events_groups ON audit.events USING gin (groups)');
    // stored_at grows with seq, so a block-range index maps a time to a chain position at almost no cost.
    await q.query('CREATE INDEX events_stored_at ON audit.events USING brin (stored_at)');
    await this.commandSearchIndex(q);

    // Rows of the chain are never changed: refuse it in the database too, so a slip (or a retention job)
    // cannot do it by accident. Someone who disables the trigger is caught by verification instead.
    await q.query(`
      CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit.events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
      FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
      FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`);

    await q.query(`
      CREATE TABLE audit.sessions (
        session_id text PRIMARY KEY,
        principal_id text,
        principal_kind text,
        tenant text,
        connection text,
        channel text,
        started_at timestamptz,
        ended_at timestamptz,
        first_time timestamptz NOT NULL,
        last_time timestamptz NOT NULL,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        last_hash bytea NOT NULL,
        events bigint NOT NULL,
        commands bigint NOT NULL,
        denied bigint NOT NULL,
        approvals bigint NOT NULL
      ) WITH (fillfactor = 70)`);
    // Every batch updates the rows of its sessions; free space on the page lets those be HOT updates
    // (no new index entries), since the indexed columns below almost never change after the first event.
    await q.query('CREATE INDEX sessions_time ON audit.sessions (first_time, session_id)');
    await q.query('CREATE INDEX sessions_principal ON audit.sessions (principal_id, first_time, session_id)');
    await q.query('CREATE INDEX sessions_connection ON audit.sessions (connection, first_time, session_id)');

    await q.query(`
      CREATE TABLE audit.recordings (
        session_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('sql', 'terminal')),
        header text,
        first_time timestamptz NOT NULL,
        bytes bigint NOT NULL,
        chunks integer NOT NULL,
        truncated boolean NOT NULL,
        PRIMARY KEY (session_id, kind)
      )`);
    await q.query(`
      CREATE TABLE audit.recording_chunks (
        session_id text NOT NULL,
        kind text NOT NULL,
        seq integer NOT NULL,
        event_seq bigint NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (session_id, kind, seq)
      )`);

    await q.query(`
      CREATE TABLE audit.rejected (
        stream_seq bigint PRIMARY KEY,
        subject text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        reason text NOT NULL,
        raw bytea NOT NULL
      )`);
  }

  /** Substring search on commands needs pg_trgm; without it the search still works, as a scan. */
  private async commandSearchIndex(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available: command search will scan';
      END $$`);
    const rows: Array<{ schema: string }> = await q.query(
      `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'`,
    );
    if (rows.length === 0) return;
    const ops = `${rows[0].schema}.gin_trgm_ops`;
    await q.query(`CREATE INDEX events_command ON audit.events USING gin (command ${ops}) WHERE command IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit.rejected');
    await q.query('DROP TABLE audit.recording_chunks');
    await q.query('DROP TABLE audit.recordings');
    await q.query('DROP TABLE audit.sessions');
    await q.query('DROP TABLE audit.events');
    await q.query('DROP FUNCTION audit.refuse_change()');
  }
}
