// Durability: everything the approval service owes (decisions, expiries, webhook retries, outcome
// announcements) is in Postgres, so a restart in the middle of an approval loses nothing. Also: a bad
// `approvals` config stops the boot with a message naming the file position and the key.
import { randomBytes } from 'node:crypto';
import type { Principal } from '@portcullis/contracts';
import { ALICE_OID } from '@portcullis/dev-identities';
import { freePort, spawnService, startStack, testEnv, writeConfig, type Stack } from '@portcullis/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { deleteAuditStream } from './support/audit-trail';
import { BrokerSide } from './support/approval-client';
import { approvalApi, type ApprovalApi } from './support/http';
import { WebhookReceiver } from './support/webhook-receiver';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('approval service restarts', () => {
  const receiver = new WebhookReceiver();
  let stack: Stack;
  let broker: BrokerSide;
  let api: () => ApprovalApi;
  let db: Client;
  let agent: Principal;
  let aliceToken: string;

  beforeAll(async () => {
    await receiver.start();
    stack = await startStack({
      label: 'approvalrestart',
      services: ['identity', 'approval', 'audit'],
      config: {
        approvals: {
          webhooks: [{ name: 'ops', url: receiver.url('/ops'), secret: { env: 'TEST_WEBHOOK_SECRET' } }],
          retry: { maxAttempts: 20, baseDelayMs: 300 },
        },
      },
      env: { TEST_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    broker = await BrokerSide.connect(testEnv.natsUrl);
    // The port stays the same across restarts; the process behind it changes.
    api = () => approvalApi(stack.services.approval.httpPort);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    agent = await broker.principal(await stack.tokens.agent('code-review-bot'));
    aliceToken = await stack.tokens.human('alice');
  }, 60000);

  afterAll(async () => {
    await broker?.close();
    await db?.end();
    await deleteAuditStream(testEnv.natsUrl, stack);
    await stack?.stop();
    await receiver.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  it('keeps a pending approval and its unfinished webhook retries across a restart', async () => {
    receiver.answer('/ops', 503);
    const ticket = await broker.request(agent, { commandFingerprint: 'fp-restart' });
    const failed = await receiver.waitFor('/ops', (b) => JSON.stringify(b).includes(ticket.approvalId));

    await stack.services.approval.stop();
    receiver.answer('/ops', 200);
    const before = receiver.on('/ops').length;
    await stack.start('approval');

    // The retry resumes from Postgres, with the same webhook-id, so the receiver can tell it is the same event.
    const [resumed] = await receiver.waitFor(
      '/ops',
      (b, hook) => hook.status === 200 && JSON.stringify(b).includes(ticket.approvalId),
    );
    expect(receiver.on('/ops').length).toBeGreaterThan(before);
    expect(failed[0].status).toBe(503);
    expect(resumed.headers['webhook-id']).toBe(failed[0].headers['webhook-id']);
    expect(new Webhook(WEBHOOK_SECRET).verify(resumed.body, resumed.headers as Record<string, string>)).toMatchObject({
      type: 'approval.requested',
    });

    const view = await api().get(ticket.approvalId, aliceToken);
    expect(view.body).toMatchObject({ status: 'pending', command: 'DELETE FROM orders WHERE id = 42' });
    // The agent retrying after the restart still gets the same request.
    expect((await broker.request(agent, { commandFingerprint: 'fp-restart' })).approvalId).toBe(ticket.approvalId);

    expect((await api().decide(ticket.approvalId, aliceToken, { decision: 'approve' })).body.status).toBe('approved');
    expect(await broker.outcome(ticket.approvalId)).toMatchObject({ status: 'approved', decidedBy: [ALICE_OID] });
    expect(
      await broker.consume({
        principalId: agent.id,
        tenant: agent.tenant,
        connection: 'prod-db',
        commandFingerprint: 'fp-restart',
      }),
    ).toEqual({ granted: true, approvalId: ticket.approvalId, grant: 'once' });
  }, 30000);

  it('expires, after a restart, a request whose timeout ran out while the service was down', async () => {
    const ticket = await broker.request(agent, { terms: { timeoutSeconds: 1 } });
    await stack.services.approval.stop();
    await new Promise((r) => setTimeout(r, 1500));
    expect(broker.decided.find((e) => e.approvalId === ticket.approvalId)).toBeUndefined();
    await stack.start('approval');
    expect(await broker.outcome(ticket.approvalId, 5000)).toMatchObject({ status: 'expired' });
  }, 30000);

  it('announces again an outcome whose announcement was lost', async () => {
    const ticket = await broker.request(agent);
    await api().decide(ticket.approvalId, aliceToken, { decision: 'deny', comment: 'no' });
    await broker.outcome(ticket.approvalId);
    // As if the process had died between commit and publish.
    await db.query(
      `UPDATE approval.requests SET outcome_published_at = NULL, decided_at = now() - interval '10 seconds' WHERE id = $1`,
      [ticket.approvalId],
    );
    broker.decided.length = 0;
    expect(await broker.outcome(ticket.approvalId, 5000)).toMatchObject({ status: 'denied', comment: 'no' });
    const row = await db.query('SELECT outcome_published_at FROM approval.requests WHERE id = $1', [ticket.approvalId]);
    expect(row.rows[0].outcome_published_at).not.toBeNull();
  });

  it('runs as two replicas: one request per command, one announcement per expiry, no vote lost between concurrent approvers', async () => {
    const second = spawnService('approval', {
      configPath: stack.configPath,
      httpPort: await freePort(),
      env: stack.env,
    });
    try {
      await second.waitReady();
      const replicas = [api(), approvalApi(second.httpPort)];
      const countFor = (id: string) => broker.decided.filter((e) => e.approvalId === id).length;

      // The queue group spreads these over both replicas; the unique index keeps them one request.
      const retried = await Promise.all(
        Array.from({ length: 10 }, () => broker.request(agent, { commandFingerprint: 'fp-two-replicas' })),
      );
      expect(new Set(retried.map((t) => t.approvalId)).size).toBe(1);

      // Both sweepers see these fall due; each is expired and announced exactly once. (Generous waits:
      // on a loaded machine the audit acknowledgement an expiry needs can take seconds.)
      const expiring = await Promise.all(
        Array.from({ length: 6 }, () => broker.request(agent, { terms: { timeoutSeconds: 1 } })),
      );
      for (const t of expiring) await broker.outcome(t.approvalId, 10000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(expiring.map((t) => countFor(t.approvalId))).toEqual([1, 1, 1, 1, 1, 1]);

      // Two approvers on two replicas at the same moment, several times over: serialised by the row
      // lock, each request reaches exactly one outcome with one grant, counting both votes.
      const carolToken = await stack.tokens.human('carol');
      const twoOfTwo = await Promise.all(
        Array.from({ length: 6 }, () =>
          broker.request(agent, { terms: { approverGroups: ['dba-approvers', 'admins'], minApprovals: 2 } }),
        ),
      );
      const answers = await Promise.all(
        twoOfTwo.flatMap((t) => [
          replicas[0].decide(t.approvalId, aliceToken, { decision: 'approve' }),
          replicas[1].decide(t.approvalId, carolToken, { decision: 'approve' }),
        ]),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      for (const t of twoOfTwo) {
        expect(await broker.outcome(t.approvalId, 10000)).toMatchObject({ status: 'approved' });
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(twoOfTwo.map((t) => countFor(t.approvalId))).toEqual(twoOfTwo.map(() => 1));
      const grants = await db.query('SELECT count(*)::int AS n FROM approval.grants WHERE approval_id = ANY($1)', [
        twoOfTwo.map((t) => t.approvalId),
      ]);
      expect(grants.rows[0].n).toBe(twoOfTwo.length);
    } finally {
      await second.stop();
    }
  }, 60000);

  it('refuses to boot with an invalid approvals section, naming file:line:col and the key', async () => {
    const file = writeConfig({
      nats: { url: testEnv.natsUrl },
      postgres: { url: stack.databaseUrl },
      approvals: {
        webhooks: [{ name: 'ops', url: 'https://hooks.example.test/x', secret: 'inline-secret-value' }],
        retry: { maxAttempts: 0 },
      },
    });
    try {
      const proc = spawnService('approval', {
        configPath: file.path,
        httpPort: await freePort(),
        env: { PORTCULLIS_NATS_NAMESPACE: stack.namespace },
      });
      expect(await proc.exited()).toBe(2);
      const out = proc.output();
      expect(out).toMatch(/portcullis\.yaml:\d+:\d+: approvals\.webhooks\[0\]\.secret: must be a secret reference/);
      expect(out).toMatch(
        /portcullis\.yaml:\d+:\d+: approvals\.retry\.maxAttempts: Number must be greater than or equal to 1/,
      );
      expect(out).not.toContain('inline-secret-value');
    } finally {
      file.cleanup();
    }
  }, 30000);
});
