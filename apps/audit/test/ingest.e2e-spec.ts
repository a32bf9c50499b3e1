// Ingest on the real NATS JetStream and PostgreSQL: events published to the stack's namespaced audit
// subjects land in the chain once each, redeliveries and replays are not stored twice, bad messages
// are kept aside, and a kill -9 in the middle of a burst loses nothing and duplicates nothing.
import { freePort, spawnService, startStack, testEnv, type Stack } from '@portcullis/testing';
import { connect } from 'nats';
import type { Client } from 'pg';
import { auditEvent, auditApi, countEvents, openDb, RawPublisher, testAuditConfig, waitFor } from './audit-fixtures';

describe('audit ingest: JetStream → PostgreSQL hash chain', () => {
  let stack: Stack;
  let pub: RawPublisher;
  let db: Client;
  let bob: string;

  beforeAll(async () => {
    stack = await startStack({
      label: 'audit-ingest',
      services: ['identity', 'audit'],
      // A short ack wait so messages held by a killed replica come back within the test.
      config: { audit: testAuditConfig({ consumer: { ackWaitSeconds: 3 }, ingest: { batchSize: 500 } }) },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    pub = await RawPublisher.open(testEnv.natsUrl, stack.namespace);
    db = await openDb(stack.databaseUrl);
    bob = await stack.tokens.human('bob');
  }, 60000);

  afterAll(async () => {
    await db?.end();
    await pub?.close();
    await stack?.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  const verify = async (query = '') => {
    const res = await auditApi(stack.services.audit.httpPort)(`/v1/audit/verify${query}`, bob);
    expect(res.status).toBe(200);
    return (await res.json()) as { ok: boolean; checked: number; firstBroken: unknown };
  };

  it('stores published events in the chain, in one gapless order, with their columns', async () => {
    const events = Array.from({ length: 50 }, (_, i) => auditEvent({ sessionId: 'ingest-a', command: `SELECT ${i}` }));
    await pub.publish(events);
    await waitFor(
      '50 events',
      () => countEvents(db, 'session_id = $1', ['ingest-a']),
      (n) => n === 50,
    );
    const rows = await db.query(
      `SELECT seq, id, principal_id, connection, command, rule_ids FROM audit.events WHERE session_id = 'ingest-a' ORDER BY seq`,
    );
    expect(new Set(rows.rows.map((r) => r.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(rows.rows[0]).toMatchObject({
      principal_id: 'agent-1',
      connection: 'orders-db',
      rule_ids: ['readers-select'],
    });
    const seqs = (await db.query('SELECT seq FROM audit.events ORDER BY seq')).rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await verify()).toMatchObject({ ok: true, firstBroken: null });
  });

  it('stores an event once when it is published again beyond the duplicate window', async () => {
    const event = auditEvent({ sessionId: 'ingest-dup' });
    await pub.publish([event]);
    await waitFor(
      'first copy',
      () => countEvents(db, 'id = $1', [event.id]),
      (n) => n === 1,
    );
    // A different msgID gets past JetStream's duplicate window, as a retry hours later would.
    await pub.publish([event, event], { msgId: () => `${event.id}-retry-${Math.random()}` });
    const marker = auditEvent({ sessionId: 'ingest-dup', command: 'marker' });
    await pub.publish([marker]);
    await waitFor(
      'the marker after the replays',
      () => countEvents(db, 'id = $1', [marker.id]),
      (n) => n === 1,
    );
    expect(await countEvents(db, 'id = $1', [event.id])).toBe(1);
    expect(await countEvents(db, 'session_id = $1', ['ingest-dup'])).toBe(2);
  });

  it('keeps a message that is not an audit event aside and carries on', async () => {
    await pub.publishRaw('command.decided', new TextEncoder().encode('{"not":"an event"}'));
    await pub.publishRaw('command.decided', new TextEncoder().encode('not json at all'));
    const after = auditEvent({ sessionId: 'ingest-after-bad' });
    await pub.publish([after]);
    await waitFor(
      'event after the bad ones',
      () => countEvents(db, 'id = $1', [after.id]),
      (n) => n === 1,
    );
    const rejected = await db.query('SELECT reason FROM audit.rejected ORDER BY stream_seq');
    expect(rejected.rows.map((r) => r.reason)).toEqual(['id: Required', 'not JSON']);
  });

  it('attaches again when its consumer is deleted under it', async () => {
    const nc = await connect({ servers: [testEnv.natsUrl] });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.delete(stack.auditStream, 'audit-store');
      const after = auditEvent({ sessionId: 'ingest-reattach' });
      await pub.publish([after]);
      await waitFor(
        'the event after re-attaching',
        () => countEvents(db, 'id = $1', [after.id]),
        (n) => n === 1,
        30000,
      );
    } finally {
      await nc.close();
    }
  }, 40000);

  it('loses nothing and duplicates nothing when killed -9 in the middle of a burst', async () => {
    const before = await countEvents(db);
    const burst = Array.from({ length: 20000 }, (_, i) =>
      auditEvent({ sessionId: `burst-${i % 40}`, command: `UPDATE t SET v = ${i}` }),
    );
    const publishing = pub.publish(burst, { window: 1000 });
    await waitFor(
      'part of the burst stored',
      () => countEvents(db),
      (n) => n > before + 1000,
      60000,
    );
    stack.services.audit.signal('SIGKILL');
    await stack.services.audit.exited();
    const atKill = await countEvents(db);
    expect(atKill).toBeLessThan(before + burst.length);
    await publishing;
    await stack.start('audit');
    await waitFor(
      'the whole burst',
      () => countEvents(db),
      (n) => n >= before + burst.length,
      90000,
    );
    // Give any stray redelivery time to (wrongly) land before counting.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await countEvents(db)).toBe(before + burst.length);
    const ids = burst.map((e) => e.id);
    const stored = await db.query('SELECT count(DISTINCT id)::int AS n FROM audit.events WHERE id = ANY($1::uuid[])', [
      ids,
    ]);
    expect(stored.rows[0].n).toBe(burst.length);
    const sessions = await db.query(`SELECT sum(events)::int AS n FROM audit.sessions WHERE session_id LIKE 'burst-%'`);
    expect(sessions.rows[0].n).toBe(burst.length);
    expect(await verify()).toMatchObject({ ok: true, firstBroken: null });
    const perSession = await verify('?sessionId=burst-7');
    expect(perSession).toMatchObject({ ok: true, checked: 500 });
  }, 180000);

  it('keeps one gapless chain when two replicas share the consumer', async () => {
    const second = spawnService('audit', { configPath: stack.configPath, httpPort: await freePort(), env: stack.env });
    try {
      await second.waitReady();
      const stored = async (port: number) => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return Number(/portcullis_audit_ingested_total\{outcome="stored"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      const firstBefore = await stored(stack.services.audit.httpPort);
      const before = await countEvents(db);
      const burst = Array.from({ length: 6000 }, (_, i) => auditEvent({ sessionId: `pair-${i % 30}` }));
      await pub.publish(burst, { window: 1000 });
      await waitFor(
        'the burst, from both replicas',
        () => countEvents(db),
        (n) => n >= before + burst.length,
        60000,
      );
      expect(await countEvents(db)).toBe(before + burst.length);
      // Both replicas took part, and together they stored each event once.
      const byFirst = (await stored(stack.services.audit.httpPort)) - firstBefore;
      const bySecond = await stored(second.httpPort);
      expect(byFirst).toBeGreaterThan(0);
      expect(bySecond).toBeGreaterThan(0);
      expect(byFirst + bySecond).toBe(burst.length);
      const seqs = (await db.query('SELECT seq FROM audit.events ORDER BY seq')).rows.map((r) => Number(r.seq));
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      expect(await verify()).toMatchObject({ ok: true, firstBroken: null });
      expect(await verify('?sessionId=pair-3')).toMatchObject({ ok: true, checked: 200 });
    } finally {
      await second.stop();
    }
  }, 90000);
});
