import { Controller, type INestMicroservice, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { DecideRequest, Decision } from '@portcullis/contracts';
import { startTracing, tracer, currentTraceId } from '@portcullis/telemetry';
import { context, trace } from '@opentelemetry/api';
import { uniqueNamespace, testEnv } from '@portcullis/testing';
import { HandlesRequest } from './handles-request';
import { MessagingModule } from './messaging.module';
import { MessagingClient } from './request-client';
import { MessagingError } from './errors';
import { natsMicroservice } from './transport';

startTracing('messaging-test');

const principal = {
  id: 'oid-1',
  tenant: 't',
  kind: 'agent' as const,
  displayName: null,
  groups: [],
  groupNames: [],
  roles: [],
  appId: null,
  issuer: 'https://issuer',
  provider: 'dev',
  expiresAt: 2_000_000_000,
  tokenId: null,
};
const request: DecideRequest = {
  principal,
  connection: { name: 'db', type: 'postgres', tags: [] },
  action: { kind: 'sql', sql: 'select 1' },
};

let mode: 'echo-trace' | 'bad-answer' | 'slow' = 'echo-trace';

describe('typed NATS messaging against the real NATS server', () => {
  let server: INestMicroservice;
  let clientCtx: INestApplicationContext;
  let client: MessagingClient;

  beforeAll(async () => {
    process.env.PORTCULLIS_NATS_NAMESPACE = uniqueNamespace('messaging');
    // Declared after the namespace is set: handlers take their subject when decorated.
    @Controller()
    class FakePolicy {
      @HandlesRequest('policy.v1.decide')
      async decide(req: DecideRequest): Promise<Decision> {
        if (mode === 'slow') await new Promise((r) => setTimeout(r, 500));
        if (mode === 'bad-answer') return { effect: 'maybe' } as unknown as Decision;
        return {
          effect: 'allow',
          reason: `trace=${currentTraceId() ?? 'none'} sql=${req.action.kind === 'sql' ? req.action.sql : ''}`,
          ruleIds: ['r1'],
          commandFingerprint: 'f',
          policyVersion: 'v',
          cacheable: false,
        };
      }
    }
    server = await NestFactory.createMicroservice(
      { module: class ServerModule {}, controllers: [FakePolicy] },
      { ...natsMicroservice(testEnv.natsUrl, 'policy'), logger: false },
    );
    await server.listen();
    const mod = await Test.createTestingModule({
      imports: [MessagingModule.forRoot({ serviceName: 'test', natsUrl: testEnv.natsUrl, requestTimeoutMs: 300 })],
    }).compile();
    clientCtx = await mod.init();
    client = clientCtx.get(MessagingClient);
  });

  afterAll(async () => {
    await clientCtx?.close();
    await server?.close();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  beforeEach(() => {
    mode = 'echo-trace';
  });

  it('gets a validated, typed answer and carries the caller trace into the handler', async () => {
    const span = tracer().startSpan('caller');
    const answer = await context.with(trace.setSpan(context.active(), span), () =>
      client.request('policy.v1.decide', request),
    );
    span.end();
    expect(answer.effect).toBe('allow');
    expect(answer.reason).toBe(`trace=${span.spanContext().traceId} sql=select 1`);
  });

  it('refuses to send a payload that breaks the contract', async () => {
    const bad = { ...request, action: { kind: 'sql', sql: 42 } } as unknown as DecideRequest;
    await expect(client.request('policy.v1.decide', bad)).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('rejects an answer that breaks the contract instead of passing it on', async () => {
    mode = 'bad-answer';
    await expect(client.request('policy.v1.decide', request)).rejects.toMatchObject({ code: 'remote_error' });
  });

  it('fails with a typed timeout when the handler is too slow', async () => {
    mode = 'slow';
    const started = Date.now();
    const err = await client.request('policy.v1.decide', request, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingError);
    expect((err as MessagingError).code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails at once as unavailable when nobody serves the subject', async () => {
    const saved = process.env.PORTCULLIS_NATS_NAMESPACE;
    process.env.PORTCULLIS_NATS_NAMESPACE = uniqueNamespace('nobody');
    try {
      const err = await client.request('policy.v1.decide', request, { timeoutMs: 5000 }).catch((e: unknown) => e);
      expect((err as MessagingError).code).toBe('unavailable');
    } finally {
      process.env.PORTCULLIS_NATS_NAMESPACE = saved;
    }
  });
});
