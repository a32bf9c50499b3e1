// Risky statements wait for a human: hold mode keeps the statement until an approver decides; async mode
// refuses at once with the approval id and lets the same statement through once approved (once).
import { approverOf, startStack, type Stack } from '@portcullis/testing';
import { brokerClient, createTargetDatabase, targetConnection } from './postgres-support';

describe('broker: approvals on the Postgres path', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let token: string;

  const api = (method: string, path: string, who: 'alice' | 'bob', body?: unknown) =>
    approverOf(stack, who).call(method, path, body);
  const pendingFor = (text: string) => approverOf(stack).pending(text);

  beforeAll(async () => {
    target = await createTargetDatabase('pgapproval');
    stack = await startStack({
      label: 'pgapproval',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      config: {
        connections: [targetConnection('shop', target)],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
          {
            id: 'orders-writes-need-dba',
            effect: 'approval',
            actions: ['sql'],
            sql: { categories: ['write'], onlyRelations: ['orders'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 30 },
          },
          {
            id: 'customer-deletes-async',
            effect: 'approval',
            actions: ['sql'],
            sql: { commands: ['delete'], onlyRelations: ['customers'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'async', timeoutSeconds: 60 },
          },
        ],
      },
    });
    token = await stack.tokens.agent();
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('holds a write until a DBA approves it, then runs exactly that statement', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const text = 'update orders set total = total + 1 where id = 1';
      const held = c.query(text);
      const approval = await pendingFor(text);
      const decided = await api('POST', `/v1/approvals/${approval.id}/decision`, 'alice', {
        decision: 'approve',
        comment: 'looks fine',
      });
      expect(decided.status).toBe(200);
      expect((await held).rowCount).toBe(1);
    } finally {
      await c.end();
    }
  }, 30000);

  it('refuses a held write that the approver denies, naming the approval', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const text = 'update orders set total = 0 where id = 2';
      const held = c.query(text).catch((e: Error) => e);
      const approval = await pendingFor(text);
      await api('POST', `/v1/approvals/${approval.id}/decision`, 'alice', { decision: 'deny', comment: 'no' });
      expect(await held).toMatchObject({ code: '42501', message: `portcullis: approval ${approval.id} was denied` });
      expect((await c.query('select 1 as ok')).rows[0].ok).toBe(1);
    } finally {
      await c.end();
    }
  }, 30000);

  it('does not let an agent approve its own request', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const text = 'update orders set total = 5 where id = 3';
      const held = c.query(text).catch((e: { code: string }) => e.code);
      const approval = await pendingFor(text);
      const res = await fetch(
        `http://127.0.0.1:${stack.services.approval.httpPort}/v1/approvals/${approval.id}/decision`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve' }),
        },
      );
      expect(res.status).toBe(403);
      await api('POST', `/v1/approvals/${approval.id}/decision`, 'alice', { decision: 'deny' });
      expect(await held).toBe('42501');
    } finally {
      await c.end();
    }
  }, 30000);

  it('refuses an async-mode delete at once with the approval id, and runs it once after approval', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const text = 'delete from customers where id = 3';
      const first = await c.query(text).catch((e: { code: string; message: string }) => e);
      expect(first).toMatchObject({
        code: '42501',
        message: expect.stringMatching(/approval required \(approval id [0-9a-f-]{36}/),
      });
      const id = /approval id ([0-9a-f-]{36})/.exec((first as { message: string }).message)![1];
      await api('POST', `/v1/approvals/${id}/decision`, 'alice', { decision: 'approve' });
      expect((await c.query(text)).rowCount).toBe(1);
      const again = await c.query(text).catch((e: { code: string; message: string }) => e);
      expect(again).toMatchObject({ code: '42501', message: expect.stringContaining('approval required') });
    } finally {
      await c.end();
    }
  }, 30000);
});
