// Approval decisions end to end: the real identity, approval and audit services over the real NATS and
// Postgres; the test plays the broker (NATS) and the humans (HTTP with real tokens from the dev issuer).
import type { Principal } from '@portcullis/contracts';
import { ALICE_OID, CAROL_OID, CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import { Client } from 'pg';
import { approvalAuditEvents, deleteAuditStream } from './support/audit-trail';
import { BrokerSide } from './support/approval-client';
import { approvalApi, type ApprovalApi } from './support/http';

const PUBLIC_URL = 'https://approvals.portcullis.test';

describe('approval decisions', () => {
  let stack: Stack;
  let broker: BrokerSide;
  let api: ApprovalApi;
  let db: Client;
  let agent: Principal;
  let alicePrincipal: Principal;
  const token = { agent: '', alice: '', bob: '', carol: '' };

  beforeAll(async () => {
    stack = await startStack({
      label: 'approvalflow',
      services: ['identity', 'approval', 'audit'],
      config: { approvals: { publicUrl: `${PUBLIC_URL}/` } },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    broker = await BrokerSide.connect(testEnv.natsUrl);
    api = approvalApi(stack.services.approval.httpPort);
    db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    token.agent = await stack.tokens.agent('code-review-bot');
    token.alice = await stack.tokens.human('alice');
    token.bob = await stack.tokens.human('bob');
    token.carol = await stack.tokens.human('carol');
    agent = await broker.principal(token.agent);
    alicePrincipal = await broker.principal(token.alice);
  }, 60000);

  afterAll(async () => {
    await broker?.close();
    await db?.end();
    await deleteAuditStream(testEnv.natsUrl, stack);
    await stack?.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  const consumeFor = (fingerprint: string, approvalId?: string, connection = 'prod-db') =>
    broker.consume({
      principalId: agent.id,
      tenant: agent.tenant,
      connection,
      commandFingerprint: fingerprint,
      ...(approvalId ? { approvalId } : {}),
    });

  it('approves: the decision is announced on approval.v1.decided and grants that command once', async () => {
    const ticket = await broker.request(agent, { commandFingerprint: 'fp-approve' });
    expect(ticket).toMatchObject({ status: 'pending', url: `${PUBLIC_URL}/v1/approvals/${ticket.approvalId}` });
    expect(await consumeFor('fp-approve')).toEqual({
      granted: false,
      approvalId: ticket.approvalId,
      status: 'pending',
    });

    const res = await api.decide(ticket.approvalId, token.alice, { decision: 'approve', comment: 'one row, fine' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', decidedBy: [ALICE_OID], comment: 'one row, fine' });
    expect(await broker.outcome(ticket.approvalId)).toMatchObject({
      status: 'approved',
      principalId: CODE_REVIEW_BOT_OID,
      connection: 'prod-db',
      commandFingerprint: 'fp-approve',
      decidedBy: [ALICE_OID],
      comment: 'one row, fine',
    });
    // Asking again while the grant is unused returns the approval instead of a new request.
    expect(await broker.request(agent, { commandFingerprint: 'fp-approve' })).toMatchObject({
      approvalId: ticket.approvalId,
      status: 'approved',
    });
    // The broker's fallback when it missed the event: the request's state, with the grant's deadline.
    const state = await broker.status(ticket.approvalId);
    expect(state).toMatchObject({ approvalId: ticket.approvalId, status: 'approved' });
    expect(Date.parse(state.expiresAt)).toBeGreaterThan(Date.parse(ticket.expiresAt));
    expect(await consumeFor('fp-approve')).toEqual({ granted: true, approvalId: ticket.approvalId, grant: 'once' });
    expect(await consumeFor('fp-approve')).toMatchObject({ granted: false, status: 'approved' });
  });

  it('denies: one deny rejects the request, is announced, and is final', async () => {
    const ticket = await broker.request(agent);
    const res = await api.decide(ticket.approvalId, token.alice, { decision: 'deny', comment: 'not on a Friday' });
    expect(res.body).toMatchObject({ status: 'denied', comment: 'not on a Friday' });
    expect(await broker.outcome(ticket.approvalId)).toMatchObject({ status: 'denied', decidedBy: [ALICE_OID] });
    const again = await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'not_pending' });
  });

  it('needs n distinct approvers for n-of-m, and counts nobody twice', async () => {
    const ticket = await broker.request(agent, {
      terms: { approverGroups: ['dba-approvers', 'admins'], minApprovals: 2 },
    });
    const first = await api.decide(ticket.approvalId, token.alice, { decision: 'approve', comment: 'ok by me' });
    expect(first.body).toMatchObject({ status: 'pending', approvals: { count: 1, required: 2 } });
    const twice = await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'already_decided' });
    await new Promise((r) => setTimeout(r, 200));
    expect(broker.decided.find((e) => e.approvalId === ticket.approvalId)).toBeUndefined();

    const second = await api.decide(ticket.approvalId, token.carol, { decision: 'approve', comment: 'agreed' });
    expect(second.body).toMatchObject({ status: 'approved', approvals: { count: 2, required: 2 } });
    expect((await broker.outcome(ticket.approvalId)).decidedBy.sort()).toEqual([ALICE_OID, CAROL_OID].sort());
  });

  it('refuses self-approval: a human who asked for the command cannot approve it', async () => {
    const ticket = await broker.request(alicePrincipal);
    const res = await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      code: 'self_approval',
      status: 403,
      type: 'urn:portcullis:approval:self_approval',
    });
    expect((await api.get(ticket.approvalId, token.alice)).body.status).toBe('pending');
  });

  it('refuses an agent that tries to approve; an agent may only read its own requests', async () => {
    const own = await broker.request(agent);
    const res = await api.decide(own.approvalId, token.agent, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('agent_cannot_approve');

    const polled = await api.get(own.approvalId, token.agent);
    expect(polled.status).toBe(200);
    expect(polled.body).toMatchObject({ id: own.approvalId, status: 'pending', requester: { id: agent.id } });
    expect(polled.body.webhooks).toBeUndefined();

    const someoneElses = await broker.request(alicePrincipal);
    expect((await api.get(someoneElses.approvalId, token.agent)).body.code).toBe('agent_read_only');
    expect((await api.inbox(token.agent)).body.code).toBe('agent_read_only');
    expect((await api.cancel(own.approvalId, token.agent)).body.code).toBe('agent_read_only');
  });

  it('refuses a human outside the approver groups, and shows each approver only their own inbox', async () => {
    const ticket = await broker.request(agent, { connection: { name: 'inbox-db', type: 'postgres', tags: [] } });
    const res = await api.decide(ticket.approvalId, token.bob, { decision: 'approve' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('not_an_approver');
    expect((await api.get(ticket.approvalId, token.bob)).status).toBe(403);
    expect((await api.inbox(token.bob, '?connection=inbox-db')).body).toEqual([]);

    const inbox = await api.inbox(token.alice, '?status=pending&connection=inbox-db');
    expect(inbox.status).toBe(200);
    expect(inbox.body.map((a: { id: string }) => a.id)).toEqual([ticket.approvalId]);
    expect(inbox.body[0]).toMatchObject({
      command: 'DELETE FROM orders WHERE id = 42',
      requester: { id: agent.id, kind: 'agent' },
      ruleIds: ['prod-writes-need-dba'],
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      terms: { approverGroups: ['dba-approvers'], minApprovals: 1 },
    });
  });

  it('answers a missing or refused token with 401 and an unreachable identity service with 503, never approving', async () => {
    const ticket = await broker.request(agent);
    expect((await api.decide(ticket.approvalId, undefined, { decision: 'approve' })).body.code).toBe('unauthenticated');
    const forged = await api.decide(ticket.approvalId, `${token.alice.slice(0, -4)}AAAA`, { decision: 'approve' });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('token_rejected');

    await stack.services.identity.stop();
    try {
      const down = await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
      expect(down.status).toBe(503);
      expect(down.body.code).toBe('identity_unavailable');
    } finally {
      await stack.start('identity');
    }
    expect((await api.get(ticket.approvalId, token.alice)).body).toMatchObject({ status: 'pending', decisions: [] });
  }, 30000);

  it('collapses duplicate requests (an agent retrying, many at once) into one', async () => {
    const tickets = await Promise.all(
      Array.from({ length: 10 }, () => broker.request(agent, { commandFingerprint: 'fp-retried' })),
    );
    expect(new Set(tickets.map((t) => t.approvalId)).size).toBe(1);
    const rows = await db.query(
      `SELECT count(*)::int AS n FROM approval.requests WHERE command_fingerprint = 'fp-retried'`,
    );
    expect(rows.rows[0].n).toBe(1);
    // A different principal asking for the same command is a different request.
    const other = await broker.request(alicePrincipal, { commandFingerprint: 'fp-retried' });
    expect(other.approvalId).not.toBe(tickets[0].approvalId);
  });

  it('expires a request nobody decided in time, announces it, and refuses late decisions', async () => {
    // The deadline runs from the request's creation, so "not early" is measured from before it was made.
    const started = Date.now();
    const ticket = await broker.request(agent, { terms: { timeoutSeconds: 1 } });
    expect((await broker.status(ticket.approvalId)).status).toBe('pending');
    expect(await broker.outcome(ticket.approvalId, 5000)).toMatchObject({ status: 'expired', decidedBy: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await broker.status(ticket.approvalId)).status).toBe('expired');
    await expect(broker.status('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'remote_error' });
    const late = await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('not_pending');
    // The same command asked again after expiry is a fresh request.
    const fresh = await broker.request(agent, {
      commandFingerprint: (await api.get(ticket.approvalId, token.alice)).body.commandFingerprint,
    });
    expect(fresh.approvalId).not.toBe(ticket.approvalId);
    expect(fresh.status).toBe('pending');
  });

  it('never lets an overdue request block a fresh one, even before the sweeper has expired it', async () => {
    // Retried the moment the timeout passes, most of these land before the next sweep (every 500 ms).
    const first = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        broker.request(agent, { commandFingerprint: `fp-overdue-${i}`, terms: { timeoutSeconds: 1 } }),
      ),
    );
    await new Promise((r) => setTimeout(r, Date.parse(first[0].expiresAt) - Date.now() + 20));
    const again = await Promise.all(
      first.map((_, i) =>
        broker.request(agent, { commandFingerprint: `fp-overdue-${i}`, terms: { timeoutSeconds: 1 } }),
      ),
    );
    again.forEach((t, i) => {
      expect(t.status).toBe('pending');
      expect(t.approvalId).not.toBe(first[i].approvalId);
    });
    for (const t of first) expect((await broker.outcome(t.approvalId)).status).toBe('expired');
  });

  it('consumes a single-use grant exactly once under 20 concurrent calls', async () => {
    const ticket = await broker.request(agent, { commandFingerprint: 'fp-race' });
    await api.decide(ticket.approvalId, token.alice, { decision: 'approve' });
    const verdicts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => consumeFor('fp-race', i % 2 === 0 ? ticket.approvalId : undefined)),
    );
    expect(verdicts.filter((v) => v.granted)).toHaveLength(1);
    expect(verdicts.filter((v) => !v.granted)).toHaveLength(19);
    const grant = await db.query('SELECT uses, consumed_at FROM approval.grants WHERE approval_id = $1', [
      ticket.approvalId,
    ]);
    expect(grant.rows[0].uses).toBe(1);
    expect(grant.rows[0].consumed_at).not.toBeNull();
  });

  it('honours a window grant for other commands on that connection until it expires', async () => {
    const terms = { grant: 'window' as const, windowSeconds: 600 };
    const ticket = await broker.request(agent, { commandFingerprint: 'fp-window', terms });
    const tooLong = await api.decide(ticket.approvalId, token.alice, { decision: 'approve', window: { seconds: 601 } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('window_not_allowed');
    const res = await api.decide(ticket.approvalId, token.alice, { decision: 'approve', window: { seconds: 2 } });
    expect(res.body.grant).toMatchObject({ kind: 'window', scope: 'connection' });

    expect(await consumeFor('fp-window')).toMatchObject({ granted: true, grant: 'window' });
    expect(await consumeFor('fp-window')).toMatchObject({ granted: true, grant: 'window' });
    expect(await consumeFor('fp-another-command')).toEqual({
      granted: true,
      approvalId: ticket.approvalId,
      grant: 'window',
    });
    expect((await consumeFor('fp-window', undefined, 'other-db')).granted).toBe(false);
    await new Promise((r) => setTimeout(r, 2200));
    expect((await consumeFor('fp-window')).granted).toBe(false);
    expect((await consumeFor('fp-another-command')).granted).toBe(false);
  });

  it('refuses a window on a policy that grants a single use', async () => {
    const ticket = await broker.request(agent);
    const res = await api.decide(ticket.approvalId, token.alice, { decision: 'approve', window: { seconds: 60 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('window_not_allowed');
  });

  it('lets a human requester cancel a pending request, and nobody else', async () => {
    const ticket = await broker.request(alicePrincipal);
    expect((await api.cancel(ticket.approvalId, token.carol)).body.code).toBe('not_requester');
    const res = await api.cancel(ticket.approvalId, token.alice, { comment: 'ran it another way' });
    expect(res.body).toMatchObject({ status: 'cancelled', decidedBy: [ALICE_OID] });
    expect(await broker.outcome(ticket.approvalId)).toMatchObject({
      status: 'cancelled',
      comment: 'ran it another way',
    });
  });

  it('audits the request and every decision with the approver and the comment', async () => {
    const ticket = await broker.request(agent, {
      terms: { approverGroups: ['dba-approvers', 'admins'], minApprovals: 2 },
    });
    await api.decide(ticket.approvalId, token.alice, { decision: 'approve', comment: 'looks right' });
    await api.decide(ticket.approvalId, token.carol, { decision: 'approve', comment: 'second pair of eyes' });
    const events = await approvalAuditEvents(testEnv.natsUrl, ticket.approvalId);
    expect(events.map((e) => [e.type, e.outcome, e.principal?.id, e.reason])).toEqual([
      ['approval.requested', 'pending', agent.id, undefined],
      ['approval.decided', 'pending', ALICE_OID, 'looks right'],
      ['approval.decided', 'approved', CAROL_OID, 'second pair of eyes'],
    ]);
    expect(events[0]).toMatchObject({ command: 'DELETE FROM orders WHERE id = 42', ruleIds: ['prod-writes-need-dba'] });
    expect(events[2].detail).toMatchObject({ vote: 'approve', approverId: CAROL_OID, approvals: 2, minApprovals: 2 });
  });

  it('answers errors as RFC 9457 problems and serves its OpenAPI document at /docs', async () => {
    const missing = await api.get('00000000-0000-4000-8000-000000000000', token.alice);
    expect(missing.status).toBe(404);
    expect(missing.contentType).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ code: 'not_found', title: expect.any(String), detail: expect.any(String) });
    const bad = await api.get('not-a-uuid', token.alice);
    expect(bad.body).toMatchObject({ status: 400, code: 'bad_request' });
    const badBody = await api.decide('00000000-0000-4000-8000-000000000000', token.alice, { decision: 'maybe' });
    expect(badBody.body).toMatchObject({
      status: 400,
      code: 'bad_request',
      detail: expect.stringContaining('body.decision'),
    });

    const doc = await api.call('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/approvals',
        '/v1/approvals/{id}',
        '/v1/approvals/{id}/decision',
        '/v1/approvals/{id}/cancel',
        '/v1/slack/interactions',
      ]),
    );
    const ui = await api.call('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.contentType).toContain('text/html');
  });
});
