// The walking skeleton: the broker asks identity and policy over the real NATS and gets typed answers,
// and fails closed when policy cannot answer, whether it is gone or hung.
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { parseConfig } from '@portcullis/config';
import { GROUP_DB_READERS } from '@portcullis/dev-identities';
import { MessagingModule } from '@portcullis/messaging';
import { ConfigModule } from '@portcullis/runtime';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import { readFileSync } from 'node:fs';
import { SessionsModule } from '../src/sessions/sessions.module';
import { AccessModule } from '../src/access/access.module';
import { AccessGate } from '../src/access/access-gate.service';
import { ConnectionsModule } from '../src/connections/connections.module';

const TIMEOUT_MS = 800;

describe('walking skeleton: broker → identity and policy over NATS', () => {
  let stack: Stack;
  let broker: INestApplicationContext;
  let gate: AccessGate;

  beforeAll(async () => {
    stack = await startStack({
      label: 'skeleton',
      services: ['identity', 'policy', 'audit'],
      config: {
        connections: [{ name: 'demo', type: 'postgres', tags: ['prod'], target: { host: '127.0.0.1', port: 5432 } }],
        policies: [
          {
            id: 'readers-connect',
            effect: 'allow',
            principals: { kinds: ['agent'], groups: ['db-readers'] },
            connections: { tags: ['prod'] },
            actions: ['connect'],
          },
        ],
      },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    const loaded = parseConfig(readFileSync(stack.configPath, 'utf8'), stack.configPath, {});
    const mod = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(loaded),
        MessagingModule.forRoot({ serviceName: 'broker', natsUrl: testEnv.natsUrl, requestTimeoutMs: TIMEOUT_MS }),
        ConnectionsModule,
        SessionsModule,
        AccessModule,
      ],
    }).compile();
    broker = await mod.init();
    gate = broker.get(AccessGate);
  }, 60000);

  afterAll(async () => {
    await broker?.close();
    await stack?.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  it('authenticates a real client-credentials token into a typed principal with its groups', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('code-review-bot'), 'postgres');
    if (!auth.ok) throw new Error(`expected a principal, got ${JSON.stringify(auth)}`);
    expect(auth.principal.kind).toBe('agent');
    expect(auth.principal.groups).toContain(GROUP_DB_READERS);
    expect(auth.principal.groupNames).toContain('db-readers');
  });

  it('refuses a token that is not a token, with the reason', async () => {
    const auth = await gate.authenticate('not.a.token', 'postgres');
    expect(auth).toMatchObject({ ok: false, code: 'unauthenticated', reason: 'malformed' });
  });

  it('gets an allow with the rule id for a principal the policy allows', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('code-review-bot'), 'postgres');
    if (!auth.ok) throw new Error('no principal');
    const out = await gate.decide(auth.principal, 'demo', { kind: 'connect' });
    expect(out).toMatchObject({ outcome: 'allow', decision: { ruleIds: ['readers-connect'] } });
  });

  it('gets a default deny for a principal no rule allows', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('deploy-bot'), 'postgres');
    if (!auth.ok) throw new Error('no principal');
    const out = await gate.decide(auth.principal, 'demo', { kind: 'connect' });
    expect(out).toMatchObject({ outcome: 'deny', code: 'denied', decision: { ruleIds: ['default-deny'] } });
  });

  it('denies a connection it does not know without asking policy', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('code-review-bot'), 'postgres');
    if (!auth.ok) throw new Error('no principal');
    expect(await gate.decide(auth.principal, 'nope', { kind: 'connect' })).toMatchObject({
      outcome: 'deny',
      code: 'unknown_connection',
    });
  });

  it('fails closed within its timeout when the policy service hangs', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('code-review-bot'), 'postgres');
    if (!auth.ok) throw new Error('no principal');
    stack.services.policy.signal('SIGSTOP');
    try {
      const started = Date.now();
      const out = await gate.decide(auth.principal, 'demo', { kind: 'connect' });
      const took = Date.now() - started;
      expect(out).toMatchObject({ outcome: 'deny', code: 'unavailable' });
      expect(out.outcome === 'deny' && out.code === 'unavailable' && out.detail).toMatch(/timeout/);
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(took).toBeLessThan(TIMEOUT_MS + 1000);
    } finally {
      stack.services.policy.signal('SIGCONT');
    }
  });

  it('fails closed at once when the policy service is stopped, and recovers when it is back', async () => {
    const auth = await gate.authenticate(await stack.tokens.agent('code-review-bot'), 'postgres');
    if (!auth.ok) throw new Error('no principal');
    await stack.services.policy.stop();
    const out = await gate.decide(auth.principal, 'demo', { kind: 'connect' });
    expect(out).toMatchObject({ outcome: 'deny', code: 'unavailable' });
    await stack.start('policy');
    expect(await gate.decide(auth.principal, 'demo', { kind: 'connect' })).toMatchObject({ outcome: 'allow' });
  }, 30000);
});
