// The policy service as a process on the real NATS: decisions over NATS, the explain endpoint, and hot
// reload that accepts good updates, refuses bad ones and announces both.
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import type { DecideRequest, Decision } from '@portcullis/contracts';

const codec = JSONCodec();
const principal = {
  id: 'oid-1',
  tenant: 't1',
  kind: 'agent' as const,
  displayName: null,
  groups: ['g-readers'],
  groupNames: ['db-readers'],
  roles: [],
  appId: 'app',
  issuer: 'https://issuer',
  provider: 'dev',
  expiresAt: 2_000_000_000,
  tokenId: null,
};
const rules = (effect: 'allow' | 'deny') => [
  {
    id: 'readers-read',
    effect,
    principals: { groups: ['db-readers'] },
    actions: ['sql'],
    sql: { categories: ['read'] },
  },
];

describe('policy service', () => {
  let stack: Stack;
  let nc: NatsConnection;
  let seq = 0;

  const decide = async (sql: string): Promise<Decision> => {
    const req: DecideRequest = {
      principal,
      connection: { name: 'orders', type: 'postgres', tags: ['prod'] },
      action: { kind: 'sql', sql },
    };
    const msg = await nc.request(
      `${stack.namespace}.policy.v1.decide`,
      codec.encode({ pattern: 'policy.v1.decide', id: String(++seq), data: req }),
      { timeout: 3000 },
    );
    const body = codec.decode(msg.data) as { response?: Decision; err?: unknown };
    if (!body.response) throw new Error(`no decision: ${JSON.stringify(body.err)}`);
    return body.response;
  };
  const rewritePolicies = (policies: unknown) => {
    const text = readFileSync(stack.configPath, 'utf8');
    const start = text.indexOf('policies:');
    writeFileSync(stack.configPath, text.slice(0, start) + `policies: ${JSON.stringify(policies)}\n`);
  };
  const waitFor = async (pred: () => Promise<boolean>, ms = 8000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('condition not met in time');
  };

  beforeAll(async () => {
    stack = await startStack({ label: 'policy', services: ['policy', 'audit'], config: { policies: rules('allow') } });
    nc = await connect({ servers: testEnv.natsUrl });
  }, 60000);

  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
  });

  it('decides over NATS on what the SQL means', async () => {
    expect(await decide('SELECT * FROM orders')).toMatchObject({ effect: 'allow', ruleIds: ['readers-read'] });
    expect(await decide('select 1; drop table orders')).toMatchObject({ effect: 'deny', ruleIds: ['default-deny'] });
    expect(await decide('selec 1')).toMatchObject({ effect: 'deny', ruleIds: ['unparseable'] });
  });

  it('explains a decision with the per-statement reasoning and the classification', async () => {
    const res = await fetch(`http://127.0.0.1:${stack.services.policy.httpPort}/v1/decisions/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        principal,
        connection: { name: 'orders', type: 'postgres', tags: [] },
        action: { kind: 'sql', sql: 'select 1; delete from t' },
      }),
    });
    const body = (await res.json()) as {
      decision: Decision;
      units: Array<{ label: string; effect: string }>;
      classification: { statements: unknown[] };
    };
    expect(res.status).toBe(200);
    expect(body.decision.effect).toBe('deny');
    expect(body.units).toEqual([
      expect.objectContaining({ label: 'statement 1 (select)', effect: 'allow' }),
      expect.objectContaining({ label: 'statement 2 (delete)', effect: 'deny' }),
    ]);
    expect(body.classification.statements).toHaveLength(2);
    const bad = await fetch(`http://127.0.0.1:${stack.services.policy.httpPort}/v1/decisions/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: { kind: 'sql' } }),
    });
    expect(bad.status).toBe(400);
  });

  it('reloads a changed policy without a restart, refuses a broken one and announces both', async () => {
    const events: Array<{ accepted: boolean; policyVersion: string; error?: string }> = [];
    const sub = nc.subscribe(`${stack.namespace}.policy.v1.reloaded`, {
      callback: (_e, m) => events.push(codec.decode(m.data) as never),
    });
    await nc.flush();
    const before = (await decide('select 1')).policyVersion;

    rewritePolicies(rules('deny'));
    await waitFor(async () => (await decide('select 1')).effect === 'deny');
    const after = await decide('select 1');
    expect(after.policyVersion).not.toBe(before);
    await waitFor(async () => events.some((e) => e.accepted));

    rewritePolicies([{ id: 'broken', effect: 'sometimes', actions: ['sql'] }]);
    await waitFor(async () => events.some((e) => !e.accepted));
    const rejected = events.find((e) => !e.accepted)!;
    expect(rejected.error).toMatch(/policies\[0\]\.effect/);
    expect(rejected.policyVersion).toBe(after.policyVersion);
    expect(await decide('select 1')).toMatchObject({ effect: 'deny', policyVersion: after.policyVersion });
    expect(stack.services.policy.child.exitCode).toBeNull();
    sub.unsubscribe();
  }, 30000);
});
