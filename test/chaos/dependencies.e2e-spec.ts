// Chaos in the dependencies: the stack runs on a NATS, PostgreSQL (its store) and Redis of its own, on
// free loopback ports, which the suite restarts under a steady load of Postgres sessions. The shared
// instances other suites use are never touched (the target database the agents query stays on them).
import { DEPLOY_BOT_OID } from '@portcullis/dev-identities';
import {
  auditViolations,
  brokerClient,
  createTargetDatabase,
  SqlLoad,
  startPrivateNats,
  startPrivatePostgres,
  startPrivateRedis,
  startStack,
  storedCommandEvents,
  waitForAuditDrain,
  type PrivateServer,
  type Stack,
} from '@portcullis/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { api, chaosConfig, eventually, pendingApproval, printReport, report, verifyChain } from './chaos-support';

describe('chaos: NATS, PostgreSQL and Redis restarts under load', () => {
  let nats: PrivateServer;
  let store: PrivateServer;
  let redis: PrivateServer;
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let agent: string;
  let alice: string;
  let bob: string;
  let carol: string;

  const load = () =>
    new SqlLoad({
      ports: stack.brokers.map((b) => b.postgres),
      database: 'shop',
      token: async () => agent,
      clients: 4,
      intervalMs: 25,
      forbiddenEvery: 5,
    }).start();
  const pids = () =>
    Object.values(stack.replicas)
      .flat()
      .map((p) => p.child.pid);
  const firstOkOnEachBroker = (l: SqlLoad, since: number) =>
    eventually(
      'a statement allowed on each broker',
      async () => {
        const ok = stack.brokers.map((_, b) => l.since(since, b).find((s) => s.ok && s.kind === 'read'));
        return ok.every(Boolean) ? Math.max(...ok.map((s) => s!.doneAt)) : undefined;
      },
      60000,
    );
  const expectTrailComplete = async (l: SqlLoad) => {
    const state = await waitForAuditDrain(stack, 60000);
    expect(state.rejected).toBe(0);
    expect(state.stored).toBe(state.streamMessages);
    expect(auditViolations(l.statements, await storedCommandEvents(stack))).toEqual([]);
    expect(await verifyChain(stack, bob)).toMatchObject({ ok: true, checked: state.stored });
  };

  beforeAll(async () => {
    [nats, store, redis] = await Promise.all([startPrivateNats(), startPrivatePostgres(), startPrivateRedis()]);
    target = await createTargetDatabase('chaosdeps');
    stack = await startStack({
      label: 'chaos-deps',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      replicas: { broker: 2 },
      deps: { natsUrl: nats.url, postgresUrl: store.url, redisUrl: redis.url },
      config: chaosConfig(target),
    });
    [agent, alice, bob, carol] = await Promise.all([
      stack.tokens.agent(),
      stack.tokens.human('alice'),
      stack.tokens.human('bob'),
      stack.tokens.human('carol'),
    ]);
  }, 120000);

  afterAll(async () => {
    printReport('NATS, PostgreSQL and Redis restarts');
    await Promise.all([nats, store, redis].map((s) => s?.resume().catch(() => undefined)));
    await stack?.stop().catch((err: Error) => console.error(`cleanup: ${err.message}`));
    await target?.drop();
    await Promise.all([nats, store, redis].map((s) => s?.stop()));
  }, 60000);

  it('NATS restart: statements during the outage are refused, never forwarded unaudited; services reconnect without a restart', async () => {
    const before = pids();
    const l = load();
    let down = 0;
    let up = 0;
    try {
      await l.waitFor(40);
      down = Date.now();
      await nats.halt();
      await eventually('statements refused during the outage', async () =>
        l.since(down + 500).length >= 8 ? true : undefined,
      );
      up = Date.now();
      await nats.resume();
      const recovered = await firstOkOnEachBroker(l, up);
      report(
        `NATS: down ${up - down} ms; statements allowed again on both brokers ${recovered - up} ms after it was back`,
      );
      await l.waitFor(40, Date.now());
    } finally {
      await nats.resume();
      await l.stop();
    }
    const during = l.statements.filter((s) => s.sentAt >= down + 500 && s.doneAt <= up);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => s.ok)).toEqual([]);
    for (const s of during) expect(s.code).toBe('42501');
    expect(pids()).toEqual(before);
    expect(
      Object.values(stack.replicas)
        .flat()
        .every((p) => p.alive()),
    ).toBe(true);
    await expectTrailComplete(l);
  }, 120000);

  it('PostgreSQL (the store) and Redis restart: approvals and suspensions survive, a held statement is released after', async () => {
    const identity = stack.services.identity.httpPort;
    const approvals = stack.services.approval.httpPort;
    expect(
      (await api(identity, carol, 'POST', `/v1/principals/${DEPLOY_BOT_OID}/suspend`, { reason: 'drill' })).status,
    ).toBe(200);
    const c = brokerClient(stack, 'shop', agent, stack.brokers[1].postgres);
    await c.connect();
    const l = load();
    try {
      const text = 'update orders set total = total + 1 where id = 5';
      const held = c.query(text);
      held.catch(() => undefined);
      const approval = await pendingApproval(approvals, alice, text);
      await l.waitFor(40);
      const down = Date.now();
      await Promise.all([store.halt(), redis.halt()]);
      await l.waitFor(40, Date.now());
      await Promise.all([store.resume(), redis.resume()]);
      const up = Date.now();
      // The approval service finds its request again, still pending, and takes the decision.
      const decided = await eventually('the approval API answering again', async () => {
        const r = await api(approvals, alice, 'POST', `/v1/approvals/${approval.id}/decision`, { decision: 'approve' });
        return r.status === 200 ? r : undefined;
      });
      report(
        `PostgreSQL + Redis: down ${up - down} ms; the approval API took a decision ${Date.now() - up} ms after they were back`,
      );
      expect(decided.body).toMatchObject({ status: 'approved' });
      await expect(held).resolves.toMatchObject({ command: 'UPDATE', rowCount: 1 });
      await l.waitFor(40, Date.now());
    } finally {
      await Promise.all([store.resume(), redis.resume()]);
      await l.stop();
      await c.end().catch(() => undefined);
    }
    // The suspension outlived both: Redis came back empty, identity rebuilt its mirror from PostgreSQL.
    const bot = await stack.tokens.agent('deploy-bot');
    const refused = brokerClient(stack, 'shop', bot);
    await expect(refused.connect()).rejects.toThrow(/suspended/);
    await refused.end().catch(() => undefined);
    await api(identity, carol, 'DELETE', `/v1/principals/${DEPLOY_BOT_OID}/suspend`, { reason: 'drill over' });
    // The data path does not depend on the store: reads went on throughout.
    expect(l.statements.filter((s) => s.kind === 'read' && !s.ok)).toEqual([]);
    expect(l.connectionErrors).toEqual([]);
    await expectTrailComplete(l);
  }, 120000);

  it('a suspension a broker missed while cut off from NATS still ends its sessions once it is back', async () => {
    const bot = await stack.tokens.agent('deploy-bot');
    const c = brokerClient(stack, 'shop', bot, stack.brokers[0].postgres);
    const ended = new Promise<Error>((resolve) => c.on('error', resolve));
    await c.connect();
    await c.query('select 1');
    await nats.halt();
    // Recorded while every announcement is impossible: the event that would have told the broker is lost.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const redisClient = new Redis(redis.url, { keyPrefix: stack.redisPrefix, maxRetriesPerRequest: 1 });
    try {
      await db.query(
        `INSERT INTO identity.suspensions (principal_id, tenant, reason, suspended_by) VALUES ($1, '*', 'missed', 'test')`,
        [DEPLOY_BOT_OID],
      );
      await redisClient.del('identity:suspended:loaded');
      const back = Date.now();
      await nats.resume();
      const error = await ended;
      expect(error.message).toContain('suspended while this gateway was cut off');
      report(`missed suspension: the session ended ${Date.now() - back} ms after NATS was back`);
    } finally {
      await nats.resume();
      await api(stack.services.identity.httpPort, carol, 'DELETE', `/v1/principals/${DEPLOY_BOT_OID}/suspend`, {
        reason: 'drill over',
      });
      await db.end();
      redisClient.disconnect();
      await c.end().catch(() => undefined);
    }
  }, 60000);
});
