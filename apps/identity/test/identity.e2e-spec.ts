// The identity service as a process on the real NATS, PostgreSQL and Redis: verification over NATS and
// HTTP, suspension by admins, and suspensions that survive a Redis wipe and a service restart.
import { connect, JSONCodec, type NatsConnection } from 'nats';
import Redis from 'ioredis';
import { CODE_REVIEW_BOT_OID, DEV_TENANT } from '@portcullis/dev-identities';
import { readAuditStream, startStack, testEnv, type Stack } from '@portcullis/testing';

const codec = JSONCodec();

describe('identity service', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let base: string;

  const verify = async (token: string) => {
    // A raw request in the Nest wire format, exactly what the broker's typed client sends.
    const msg = await nc.request(
      `${stack.namespace}.identity.v1.verify`,
      codec.encode({ pattern: 'identity.v1.verify', id: '1', data: { token, channel: 'postgres' } }),
      {
        timeout: 3000,
      },
    );
    return (codec.decode(msg.data) as { response: { ok: boolean; reason?: string; principal?: { id: string } } })
      .response;
  };
  const admin = async (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    stack = await startStack({ label: 'identity', services: ['identity', 'audit'] });
    nc = await connect({ servers: testEnv.natsUrl });
    base = `http://127.0.0.1:${stack.services.identity.httpPort}`;
  }, 60000);

  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
  });

  it('verifies an agent token over NATS', async () => {
    const answer = await verify(await stack.tokens.agent());
    expect(answer).toMatchObject({
      ok: true,
      principal: { id: CODE_REVIEW_BOT_OID, kind: 'agent', tenant: DEV_TENANT },
    });
  });

  it('explains a refusal over HTTP without echoing the token', async () => {
    const token = await stack.tokens.agent();
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const res = await fetch(`${base}/v1/tokens/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tampered }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(text).not.toContain(tampered.split('.')[1]);
    expect(text).not.toContain(tampered.split('.')[2]);
  });

  it('refuses bad input on the HTTP verify endpoint with a clear error', async () => {
    const res = await fetch(`${base}/v1/tokens/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"tok":1}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'bad_request' });
  });

  it('lets only admins suspend', async () => {
    const noToken = await fetch(`${base}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, { method: 'POST' });
    expect(noToken.status).toBe(401);
    const notAdmin = await admin(
      'POST',
      `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`,
      await stack.tokens.human('alice'),
      { reason: 'x' },
    );
    expect(notAdmin.status).toBe(403);
    const agent = await admin('POST', `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, await stack.tokens.agent(), {
      reason: 'x',
    });
    expect(agent.status).toBe(403);
    const noReason = await admin(
      'POST',
      `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`,
      await stack.tokens.human('carol'),
      {},
    );
    expect(noReason.status).toBe(400);
    expect((await verify(await stack.tokens.agent())).ok).toBe(true);
  });

  it('suspends at once, announces it, keeps it across a Redis wipe and a restart, and lifts it', async () => {
    const carol = await stack.tokens.human('carol');
    const events: unknown[] = [];
    const sub = nc.subscribe(`${stack.namespace}.identity.v1.principal-suspended`, {
      callback: (_e, m) => events.push(codec.decode(m.data)),
    });
    await nc.flush();

    const res = await admin('POST', `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, carol, { reason: 'leaked token' });
    expect(res.status).toBe(200);
    expect(await verify(await stack.tokens.agent())).toMatchObject({ ok: false, reason: 'suspended' });
    await nc.flush();
    expect(events).toContainEqual(
      expect.objectContaining({
        principalId: CODE_REVIEW_BOT_OID,
        suspended: true,
        reason: 'leaked token',
        tenant: null,
      }),
    );

    // Redis keeps nothing on disk here: wiping our keys must not lift the suspension.
    const redis = new Redis(testEnv.redisUrl);
    const keys = await redis.keys(`${stack.redisPrefix}identity:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    expect(await verify(await stack.tokens.agent())).toMatchObject({ ok: false, reason: 'suspended' });

    await stack.start('identity');
    expect(await verify(await stack.tokens.agent())).toMatchObject({ ok: false, reason: 'suspended' });

    const lift = await admin('DELETE', `/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`, carol, { reason: 'rotated' });
    expect(await lift.json()).toMatchObject({ suspended: false, changed: true });
    expect((await verify(await stack.tokens.agent())).ok).toBe(true);
    sub.unsubscribe();
  }, 30000);

  it('records rejections and suspensions in the audit stream, never the token', async () => {
    const token = await stack.tokens.agent();
    await verify(token.slice(0, 20));
    const raw = await readAuditStream(stack);
    const types = raw.map((r) => (JSON.parse(r) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['identity.rejected', 'identity.suspended', 'identity.unsuspended']));
    const all = raw.join('\n');
    expect(all).not.toContain(token.split('.')[2]);
    expect(all).not.toContain(token.slice(0, 20));
  });
});
