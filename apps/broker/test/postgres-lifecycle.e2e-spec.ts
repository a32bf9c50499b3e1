// Sessions end when they must: suspension (within a second), token expiry, and the gateway fails closed
// while a service it depends on is missing, then recovers without reconnecting.
import { CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import { spawn } from 'node:child_process';
import { connect as netConnect } from 'node:net';
import { connect } from 'nats';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import { brokerClient, createTargetDatabase, targetConnection, psql } from './postgres-support';

// Long enough for the other tests to finish a session under load, short enough to watch one expire.
const TOKEN_LIFETIME_S = 15;

describe('broker: Postgres session lifecycle', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;

  beforeAll(async () => {
    target = await createTargetDatabase('pglife');
    stack = await startStack({
      label: 'pglife',
      services: ['identity', 'policy', 'audit', 'broker'],
      idpEnv: { DEV_IDP_TOKEN_LIFETIME: String(TOKEN_LIFETIME_S) },
      config: {
        connections: [targetConnection('shop', target)],
        policies: [
          { id: 'connect', effect: 'allow', principals: { kinds: ['agent'] }, actions: ['connect'] },
          {
            id: 'read',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['sql'],
            sql: { categories: ['read', 'transaction'] },
          },
          {
            id: 'sleep',
            effect: 'allow',
            actions: ['sql'],
            sql: { functions: ['pg_sleep'], dangerousFunctions: true },
          },
        ],
      },
    });
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('ends a live session within a second of a suspension, and refuses new ones', async () => {
    const c = brokerClient(stack, 'shop', await stack.tokens.agent());
    const ended = new Promise<{ error: Error; at: number }>((resolve) =>
      c.on('error', (error) => resolve({ error, at: Date.now() })),
    );
    await c.connect();
    await c.query('select 1');
    const carol = await stack.tokens.human('carol');
    const suspendAt = Date.now();
    const res = await fetch(
      `http://127.0.0.1:${stack.services.identity.httpPort}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'incident 42' }),
      },
    );
    expect(res.status).toBe(200);
    try {
      const { error, at } = await ended;
      expect(error.message).toContain('the identity was suspended: incident 42');
      expect(at - suspendAt).toBeLessThan(1000);
      const again = await psql(stack, 'shop', await stack.tokens.agent(), ['-c', 'select 1']);
      expect(again.stderr).toContain('token refused (suspended)');
    } finally {
      await fetch(`http://127.0.0.1:${stack.services.identity.httpPort}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'resolved' }),
      });
      await c.end().catch(() => undefined);
    }
  }, 20000);

  it('ends a session when its token expires', async () => {
    const c = brokerClient(stack, 'shop', await stack.tokens.agent());
    const ended = new Promise<Error>((resolve) => c.on('error', resolve));
    await c.connect();
    const started = Date.now();
    const err = await ended;
    expect(err.message).toContain('the access token has expired');
    expect(Date.now() - started).toBeLessThan((TOKEN_LIFETIME_S + 2) * 1000);
    await c.end().catch(() => undefined);
  }, 20000);

  it('cancels a running query from psql (Ctrl-C sends a CancelRequest with the key the broker issued)', async () => {
    const token = await stack.tokens.agent();
    const child = spawn(
      'psql',
      [
        `host=127.0.0.1 port=${stack.brokerPorts.postgres} dbname=shop user=agent sslmode=require`,
        '-X',
        '-c',
        'select pg_sleep(20)',
      ],
      {
        env: { ...process.env, PGPASSWORD: token },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('canceling statement due to user request');
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 20000);

  it('ignores a CancelRequest with a key it did not issue', async () => {
    const c = brokerClient(stack, 'shop', await stack.tokens.agent());
    await c.connect();
    try {
      const q = c.query('select pg_sleep(1) as slept');
      await new Promise<void>((resolve) => {
        const sock = netConnect(stack.brokerPorts.postgres, '127.0.0.1', () => {
          const b = Buffer.alloc(16);
          b.writeInt32BE(16, 0);
          b.writeInt32BE(80877102, 4);
          b.writeInt32BE(12345, 8);
          b.writeInt32BE(67890, 12);
          sock.end(b);
        });
        sock.on('close', () => resolve());
        sock.on('error', () => resolve());
      });
      expect((await q).rows).toHaveLength(1);
    } finally {
      await c.end();
    }
  }, 20000);

  it('denies statements while the policy service is down, and the same session works when it is back', async () => {
    const c = brokerClient(stack, 'shop', await stack.tokens.agent());
    await c.connect();
    try {
      await stack.services.policy.stop();
      await expect(c.query('select 11')).rejects.toMatchObject({
        code: '42501',
        message: expect.stringContaining('cannot decide'),
      });
      await stack.start('policy');
      expect((await c.query('select 12 as n')).rows[0].n).toBe(12);
    } finally {
      await c.end();
    }
  }, 40000);

  it('denies statements when the audit stream cannot store their decision', async () => {
    const c = brokerClient(stack, 'shop', await stack.tokens.agent());
    await c.connect();
    const nc = await connect({ servers: testEnv.natsUrl });
    try {
      const jsm = await nc.jetstreamManager();
      const stream = stack.auditStream;
      await stack.services.audit.stop();
      await jsm.streams.delete(stream);
      await expect(c.query('select 21')).rejects.toMatchObject({
        code: '42501',
        message: expect.stringContaining('audit trail is unavailable'),
      });
      await stack.start('audit');
      expect((await c.query('select 22 as n')).rows[0].n).toBe(22);
    } finally {
      await nc.close();
      await c.end();
    }
  }, 40000);

  it('serves concurrent sessions independently', async () => {
    const token = await stack.tokens.agent();
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const c = brokerClient(stack, 'shop', token);
        await c.connect();
        try {
          let sum = 0;
          for (let j = 0; j < 20; j++) sum += (await c.query('select $1::int as n', [i])).rows[0].n;
          return sum;
        } finally {
          await c.end();
        }
      }),
    );
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 20));
  }, 30000);
});
