// Webhooks and Slack end to end: a real HTTP receiver checks Standard Webhooks signatures with the
// standardwebhooks package; Slack interactivity callbacks are signed here exactly as Slack signs them.
import { randomBytes } from 'node:crypto';
import type { Principal } from '@portcullis/contracts';
import { ALICE_OID, BOB_OID } from '@portcullis/dev-identities';
import { freePort, startStack, testEnv, type Stack } from '@portcullis/testing';
import { Webhook } from 'standardwebhooks';
import { signSlackRequest } from '../src/slack/slack-signature';
import { deleteAuditStream } from './support/audit-trail';
import { BrokerSide } from './support/approval-client';
import { approvalApi, type ApprovalApi } from './support/http';
import { WebhookReceiver, type ReceivedHook } from './support/webhook-receiver';

const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const SLACK_SIGNING_SECRET = randomBytes(20).toString('hex');
const PUBLIC_URL = 'https://approvals.portcullis.test';
const BASE_DELAY_MS = 200;

const verified = (hook: ReceivedHook, secret = WEBHOOK_SECRET) =>
  new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as {
    type: string;
    data: Record<string, unknown>;
  };

describe('approval webhooks and Slack', () => {
  const receiver = new WebhookReceiver();
  let stack: Stack;
  let broker: BrokerSide;
  let api: ApprovalApi;
  let agent: Principal;
  let aliceToken: string;

  beforeAll(async () => {
    await receiver.start();
    receiver.answer('/flaky', 503);
    const closedPort = await freePort();
    const signed = { secret: { env: 'TEST_WEBHOOK_SECRET' } };
    stack = await startStack({
      label: 'approvalhooks',
      services: ['identity', 'approval', 'audit'],
      config: {
        approvals: {
          publicUrl: PUBLIC_URL,
          webhooks: [
            { name: 'ops', url: receiver.url('/ops'), ...signed },
            { name: 'chat', url: { env: 'TEST_SLACK_WEBHOOK_URL' }, format: 'slack' },
            { name: 'flaky', url: receiver.url('/flaky'), events: ['approval.requested'], ...signed },
            { name: 'gone', url: `http://127.0.0.1:${closedPort}/hook`, events: ['approval.requested'], ...signed },
          ],
          retry: { maxAttempts: 3, baseDelayMs: BASE_DELAY_MS },
          slack: {
            signingSecret: { env: 'TEST_SLACK_SIGNING_SECRET' },
            allowApprovals: true,
            users: {
              U0ALICE01: { principalId: ALICE_OID, groups: ['dba-approvers'] },
              U0BOB0001: { principalId: BOB_OID, groups: ['auditors'] },
            },
          },
        },
      },
      env: {
        TEST_WEBHOOK_SECRET: WEBHOOK_SECRET,
        TEST_SLACK_WEBHOOK_URL: receiver.url('/chat'),
        TEST_SLACK_SIGNING_SECRET: SLACK_SIGNING_SECRET,
      },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    broker = await BrokerSide.connect(testEnv.natsUrl);
    api = approvalApi(stack.services.approval.httpPort);
    agent = await broker.principal(await stack.tokens.agent('code-review-bot'));
    aliceToken = await stack.tokens.human('alice');
  }, 60000);

  afterAll(async () => {
    await broker?.close();
    await deleteAuditStream(testEnv.natsUrl, stack);
    await stack?.stop();
    await receiver.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  const forApproval = (id: string) => (body: Record<string, unknown>) =>
    (body.data as { approvalId?: string } | undefined)?.approvalId === id || JSON.stringify(body).includes(id);

  it('sends approval.requested and approval.decided signed per Standard Webhooks', async () => {
    const ticket = await broker.request(agent);
    const [requested] = await receiver.waitFor('/ops', forApproval(ticket.approvalId));
    expect(requested.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(requested.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(verified(requested)).toMatchObject({
      type: 'approval.requested',
      data: {
        approvalId: ticket.approvalId,
        url: `${PUBLIC_URL}/v1/approvals/${ticket.approvalId}`,
        command: 'DELETE FROM orders WHERE id = 42',
        requester: { id: agent.id, kind: 'agent' },
        ruleIds: ['prod-writes-need-dba'],
        terms: { approverGroups: ['dba-approvers'] },
      },
    });
    // The signature covers the body and depends on the secret: a receiver would refuse either changed.
    expect(() =>
      new Webhook(WEBHOOK_SECRET).verify(
        requested.body.replace('42', '43'),
        requested.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(() => verified(requested, `whsec_${randomBytes(32).toString('base64')}`)).toThrow();

    await api.decide(ticket.approvalId, aliceToken, { decision: 'approve', comment: 'go' });
    const decided = await receiver.waitFor(
      '/ops',
      (b) => b.type === 'approval.decided' && forApproval(ticket.approvalId)(b),
    );
    expect(verified(decided[0])).toMatchObject({
      type: 'approval.decided',
      data: { approvalId: ticket.approvalId, status: 'approved', decidedBy: [ALICE_OID], comment: 'go' },
    });
    expect(decided[0].headers['webhook-id']).not.toBe(requested.headers['webhook-id']);
  });

  it('posts a Slack message with the command and Approve / Deny buttons to a slack-format webhook', async () => {
    const ticket = await broker.request(agent, { commandText: 'DROP TABLE <orders> & friends' });
    const [hook] = await receiver.waitFor('/chat', forApproval(ticket.approvalId));
    const message = JSON.parse(hook.body) as { text: string; blocks: Array<Record<string, unknown>> };
    expect(message.text).toContain('Approval needed');
    expect(JSON.stringify(message.blocks)).toContain('DROP TABLE &lt;orders&gt; &amp; friends');
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: Array<Record<string, unknown>> };
    expect(actions.elements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action_id: 'portcullis.approve', value: ticket.approvalId, style: 'primary' }),
        expect.objectContaining({ action_id: 'portcullis.deny', value: ticket.approvalId, style: 'danger' }),
        expect.objectContaining({ url: `${PUBLIC_URL}/v1/approvals/${ticket.approvalId}` }),
      ]),
    );
  });

  it('retries a failing receiver with backoff, then records it as failed; approvals still work over the API', async () => {
    const ticket = await broker.request(agent);
    const attempts = await receiver.waitFor('/flaky', forApproval(ticket.approvalId), 3);
    await new Promise((r) => setTimeout(r, 4 * BASE_DELAY_MS + 500));
    expect(receiver.on('/flaky').filter((h) => h.body.includes(ticket.approvalId))).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    for (const a of attempts) expect(verified(a).type).toBe('approval.requested');
    const gaps = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at];
    expect(gaps[0]).toBeGreaterThanOrEqual(BASE_DELAY_MS);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * BASE_DELAY_MS);

    const deadline = Date.now() + 10000;
    let view = (await api.get(ticket.approvalId, aliceToken)).body;
    while (view.webhooks.some((w: { status: string }) => w.status === 'pending') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = (await api.get(ticket.approvalId, aliceToken)).body;
    }
    const byName = Object.fromEntries(view.webhooks.map((w: { webhook: string }) => [w.webhook, w]));
    expect(byName.ops).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(byName.flaky).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503 });
    expect(byName.gone).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: expect.stringContaining('ECONNREFUSED'),
    });
    expect(byName.gone.lastError).not.toContain('127.0.0.1');

    const res = await api.decide(ticket.approvalId, aliceToken, { decision: 'approve' });
    expect(res.body.status).toBe('approved');
    expect((await broker.outcome(ticket.approvalId)).status).toBe('approved');
  }, 20000);

  describe('Slack interactivity', () => {
    const click = (userId: string, approvalId: string, action = 'portcullis.approve') =>
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'block_actions',
          user: { id: userId, username: 'alice' },
          actions: [{ action_id: action, value: approvalId }],
        }),
      )}`;
    const post = async (body: string, opts: { timestamp?: number; secret?: string; signature?: string } = {}) => {
      const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
      const res = await fetch(`${api.base}/v1/slack/interactions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': opts.signature ?? signSlackRequest(opts.secret ?? SLACK_SIGNING_SECRET, ts, body),
        },
        body,
      });
      const answer = (await res.json()) as { code?: string; text?: string };
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: answer };
    };

    it('takes a correctly signed click from a mapped approver as their decision', async () => {
      const ticket = await broker.request(agent);
      const res = await post(click('U0ALICE01', ticket.approvalId));
      expect(res.status).toBe(200);
      expect(res.body.text).toContain('approved');
      expect(await broker.outcome(ticket.approvalId)).toMatchObject({ status: 'approved', decidedBy: [ALICE_OID] });
      const view = (await api.get(ticket.approvalId, aliceToken)).body;
      expect(view.decisions).toEqual([
        expect.objectContaining({ approverId: ALICE_OID, via: 'slack', decision: 'approve' }),
      ]);
    });

    it('refuses a bad signature, a stale timestamp, an unmapped user and a mapped non-approver', async () => {
      const ticket = await broker.request(agent);
      const body = click('U0ALICE01', ticket.approvalId);

      const forged = await post(body, { secret: 'not-the-signing-secret' });
      expect(forged).toMatchObject({ status: 401, body: { code: 'slack_bad_signature' } });
      expect(forged.contentType).toContain('application/problem+json');
      const garbled = await post(body, { signature: 'v0=abc' });
      expect(garbled).toMatchObject({ status: 401, body: { code: 'slack_bad_signature' } });
      // Signed correctly, but six minutes ago: a replay.
      const stale = await post(body, { timestamp: Math.floor(Date.now() / 1000) - 360 });
      expect(stale).toMatchObject({ status: 401, body: { code: 'slack_stale_timestamp' } });

      expect(await post(click('U0NOBODY1', ticket.approvalId))).toMatchObject({
        status: 403,
        body: { code: 'slack_user_unknown' },
      });
      expect(await post(click('U0BOB0001', ticket.approvalId))).toMatchObject({
        status: 403,
        body: { code: 'not_an_approver' },
      });
      expect((await api.get(ticket.approvalId, aliceToken)).body).toMatchObject({ status: 'pending', decisions: [] });
    });

    it('denies from a Deny click', async () => {
      const ticket = await broker.request(agent);
      expect((await post(click('U0ALICE01', ticket.approvalId, 'portcullis.deny'))).status).toBe(200);
      expect(await broker.outcome(ticket.approvalId)).toMatchObject({ status: 'denied', decidedBy: [ALICE_OID] });
    });
  });
});
