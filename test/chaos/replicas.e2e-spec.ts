// Chaos against two replicas of every service, under a steady load of Postgres sessions through both
// brokers: kill -9 real processes and check the invariants of DESIGN.md in what the clients saw and in
// the audit trail. Loopback only; each fault is bounded in time.
import { CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import {
  auditViolations,
  brokerClient,
  createTargetDatabase,
  SqlLoad,
  startStack,
  storedCommandEvents,
  waitForAuditDrain,
  type Stack,
} from '@portcullis/testing';
import {
  api,
  chaosConfig,
  eventually,
  handled,
  pendingApproval,
  printReport,
  report,
  verifyChain,
} from './chaos-support';

const REQUEST_TIMEOUT_MS = 1500;

describe('chaos: two replicas of every service under load', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let agent: string;
  let alice: string;
  let bob: string;

  const load = (opts: { clients?: number; forbiddenEvery?: number } = {}) =>
    new SqlLoad({
      ports: stack.brokers.map((b) => b.postgres),
      database: 'shop',
      token: async () => agent,
      clients: opts.clients ?? 4,
      intervalMs: 20,
      forbiddenEvery: opts.forbiddenEvery ?? 5,
    }).start();

  /** Everything the load did is in the audit trail once, the stream is drained and the chain verifies. */
  const expectTrailComplete = async (l: SqlLoad, mayLackExecution?: Parameters<typeof auditViolations>[2]) => {
    const state = await waitForAuditDrain(stack, 60000);
    expect(state.rejected).toBe(0);
    expect(state.stored).toBe(state.streamMessages);
    expect(auditViolations(l.statements, await storedCommandEvents(stack), mayLackExecution)).toEqual([]);
    expect(await verifyChain(stack, bob)).toMatchObject({ ok: true, checked: state.stored });
    return state;
  };

  beforeAll(async () => {
    target = await createTargetDatabase('chaosrep');
    stack = await startStack({
      label: 'chaos-replicas',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      replicas: { identity: 2, policy: 2, approval: 2, audit: 2, broker: 2 },
      config: chaosConfig(target),
    });
    [agent, alice, bob] = await Promise.all([
      stack.tokens.agent(),
      stack.tokens.human('alice'),
      stack.tokens.human('bob'),
    ]);
  }, 120000);

  afterAll(async () => {
    printReport('two replicas of every service');
    await stack?.stop();
    await target?.drop();
  }, 60000);

  it('audit: kill -9 one replica mid-load, then the other, then restart: nothing lost or duplicated, chain verifies', async () => {
    const l = load();
    try {
      await l.waitFor(40);
      await stack.kill('audit', 0);
      await l.waitFor(40, Date.now());
      await stack.kill('audit', 1);
      // No audit replica at all: the stream holds the events and the data path carries on.
      await l.waitFor(40, Date.now());
      const restarted = Date.now();
      await Promise.all([stack.start('audit', 0), stack.start('audit', 1)]);
      await l.waitFor(40, Date.now());
      await l.stop();
      await waitForAuditDrain(stack, 60000);
      report(`audit: both replicas killed; restart → stream drained in ${Date.now() - restarted} ms`);
    } finally {
      await l.stop();
    }
    const reads = l.statements.filter((s) => s.kind === 'read');
    expect(reads.filter((s) => !s.ok)).toEqual([]);
    const state = await expectTrailComplete(l);
    report(`audit: ${l.statements.length} statements, ${state.stored} events stored, 0 lost, 0 duplicated`);
  }, 120000);

  it('policy: one replica killed loses no decision; all killed refuses every statement; one back restores the sessions', async () => {
    const l = load();
    try {
      await l.waitFor(40);
      const firstKill = Date.now();
      await stack.kill('policy', 0);
      await l.waitFor(60, Date.now());
      // In flight at the kill: refused after the request timeout, never let through.
      const settled = firstKill + REQUEST_TIMEOUT_MS + 500;
      await l.waitFor(40, settled);
      expect(l.since(settled).filter((s) => s.kind === 'read' && !s.ok)).toEqual([]);

      await stack.kill('policy', 1);
      const allDown = Date.now();
      await l.waitFor(20, allDown + 200);
      const during = l.since(allDown + 200);
      expect(during.filter((s) => s.ok)).toEqual([]);
      for (const s of during) {
        expect(s.code).toBe('42501');
        expect(s.error).toMatch(/cannot decide/);
        expect(s.doneAt - s.sentAt).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
      }
      const back = Date.now();
      await stack.start('policy', 0);
      const firstOk = await eventually('a statement allowed again on each broker', async () => {
        const ok = [0, 1].map((b) => l.since(back, b).find((s) => s.ok && s.kind === 'read'));
        return ok.every(Boolean) ? Math.max(...ok.map((s) => s!.doneAt)) : undefined;
      });
      report(
        `policy: all replicas down → statements refused in ≤ ${Math.max(...during.map((s) => s.doneAt - s.sentAt))} ms; one replica restarted → sessions usable ${firstOk - back} ms after the restart began`,
      );
      await l.waitFor(20, Date.now());
    } finally {
      await l.stop();
      for (const i of [0, 1]) if (!stack.replicas.policy[i].alive()) await stack.start('policy', i);
    }
    // The same sessions carried on through the outage: no client had to reconnect.
    expect(l.connectionErrors).toEqual([]);
    await expectTrailComplete(l);
  }, 120000);

  it('broker: kill -9 one broker; its sessions drop with a clear error, the other carries on, no audit gap', async () => {
    const l = load();
    let killedAt = 0;
    try {
      await l.waitFor(40);
      killedAt = Date.now();
      await stack.kill('broker', 1);
      await eventually('the other broker carrying on', async () =>
        l.since(killedAt + 500, 0).filter((s) => s.ok).length >= 40 ? true : undefined,
      );
    } finally {
      await l.stop();
    }
    const restarting = stack.start('broker', 1);
    try {
      // A session on the killed broker ends with an error: a statement in flight fails, or, between
      // statements, the connection itself reports the end.
      const cut = [
        ...l.statements.filter((s) => s.broker === 1 && !s.ok && !s.code).map((s) => s.error ?? ''),
        ...l.sessionErrors.filter((e) => e.broker === 1).map((e) => e.error),
      ];
      expect(cut.length).toBeGreaterThan(0);
      for (const error of cut) expect(error).toMatch(/Connection terminated|ECONNRESET|connection/i);
      expect(l.sessionErrors.every((e) => e.broker === 1)).toBe(true);
      expect(l.connectionErrors.every((e) => e.broker === 1)).toBe(true);
      expect(l.statements.filter((s) => s.broker === 0 && s.kind === 'read' && !s.ok)).toEqual([]);
      // Only the killed broker's last executions (answered, their record not yet acknowledged) may be missing.
      await expectTrailComplete(l, (s) => s.broker === 1 && s.doneAt >= killedAt - 2000);
      report(`broker: one killed, ${cut.length} sessions or statements cut with "${cut[0]}"`);
    } finally {
      await restarting;
    }
  }, 120000);

  it('an approval decided on one approval replica releases a statement held by a broker that asked the other', async () => {
    const approvals = stack.replicas.approval.map((p) => p.httpPort);
    for (const broker of [0, 1]) {
      const before = await Promise.all(approvals.map((p) => handled(p, 'approval.v1.request')));
      const c = brokerClient(stack, 'shop', agent, stack.brokers[broker].postgres);
      await c.connect();
      try {
        const text = `update orders set total = total + 1 where id = ${broker + 2}`;
        const held = c.query(text);
        const approval = await pendingApproval(approvals[0], alice, text);
        const after = await Promise.all(approvals.map((p) => handled(p, 'approval.v1.request')));
        const asked = after.findIndex((n, i) => n > before[i]);
        expect(asked).toBeGreaterThanOrEqual(0);
        const other = approvals[1 - asked];
        const decided = await api(other, alice, 'POST', `/v1/approvals/${approval.id}/decision`, {
          decision: 'approve',
        });
        expect(decided.status).toBe(200);
        await expect(held).resolves.toMatchObject({ command: 'UPDATE', rowCount: 1 });
      } finally {
        await c.end();
      }
    }
  }, 60000);

  it('a suspension reaches every broker replica: sessions on both end, new ones are refused', async () => {
    const clients = stack.brokers.map((b) => brokerClient(stack, 'shop', agent, b.postgres));
    const ended = clients.map((c) => new Promise<string>((resolve) => c.on('error', (e) => resolve(e.message))));
    await Promise.all(clients.map((c) => c.connect()));
    const carol = await stack.tokens.human('carol');
    const identity = stack.replicas.identity[1].httpPort;
    try {
      const r = await api(identity, carol, 'POST', `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, {
        reason: 'chaos drill',
      });
      expect(r.status).toBe(200);
      for (const e of await Promise.all(ended)) expect(e).toMatch(/suspended/);
      for (const b of stack.brokers) {
        const c = brokerClient(stack, 'shop', agent, b.postgres);
        await expect(c.connect()).rejects.toThrow(/suspended/);
        await c.end().catch(() => undefined);
      }
    } finally {
      await api(identity, carol, 'DELETE', `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, { reason: 'drill over' });
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    }
  }, 60000);
});
