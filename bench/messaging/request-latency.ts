// Round trip of one request between two services: raw NATS request/reply vs Portcullis's typed client
// over the Nest NATS transport (contract validation at both ends, trace headers). Both sides run in
// separate processes, like production. Run: npm run build && node dist/bench/messaging/request-latency.js
import { fork } from 'node:child_process';
import { Controller } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { DecideRequest, Decision } from '@portcullis/contracts';
import { HandlesRequest, MessagingClient, MessagingModule, natsMicroservice } from '@portcullis/messaging';
import { connect, JSONCodec } from 'nats';
import { report } from '../support/latency';

const NATS = process.env.PORTCULLIS_NATS_URL ?? 'nats://127.0.0.1:4222';
const N = Number(process.env.BENCH_N ?? 5000);
const ns = process.env.PORTCULLIS_NATS_NAMESPACE ?? `bench_${process.pid}`;
process.env.PORTCULLIS_NATS_NAMESPACE = ns;
const codec = JSONCodec();

const decision: Decision = {
  effect: 'allow',
  reason: 'r',
  ruleIds: ['a'],
  commandFingerprint: 'f',
  policyVersion: 'v',
  cacheable: true,
};
const request: DecideRequest = {
  principal: {
    id: 'oid',
    tenant: 't',
    kind: 'agent',
    displayName: null,
    groups: ['g1', 'g2'],
    groupNames: ['readers'],
    roles: [],
    appId: 'app',
    issuer: 'https://i',
    provider: 'dev',
    expiresAt: 2e9,
    tokenId: 'u',
  },
  connection: { name: 'db', type: 'postgres', tags: ['prod'] },
  action: { kind: 'sql', sql: 'SELECT id, email FROM customers WHERE id = 42' },
};

async function responder(): Promise<void> {
  const nc = await connect({ servers: NATS });
  nc.subscribe(`${ns}.raw`, { callback: (_e, m) => m.respond(codec.encode(decision)) });
  @Controller()
  class Handler {
    @HandlesRequest('policy.v1.decide')
    async decide(_req: DecideRequest): Promise<Decision> {
      return decision;
    }
  }
  const app = await NestFactory.createMicroservice(
    { module: class M {}, controllers: [Handler] },
    { ...natsMicroservice(NATS, 'policy'), logger: false },
  );
  await app.listen();
  process.send?.('ready');
}

async function caller(): Promise<void> {
  const child = fork(__filename, ['responder'], { env: process.env });
  await new Promise((r) => child.once('message', r));
  const nc = await connect({ servers: NATS });
  const mod = await Test.createTestingModule({
    imports: [MessagingModule.forRoot({ serviceName: 'bench', natsUrl: NATS, requestTimeoutMs: 2000 })],
  }).compile();
  const ctx = await mod.init();
  const client = ctx.get(MessagingClient);
  for (let i = 0; i < 500; i++) {
    await nc.request(`${ns}.raw`, codec.encode(request));
    await client.request('policy.v1.decide', request);
  }
  const raw: number[] = [];
  const typed: number[] = [];
  for (let i = 0; i < N; i++) {
    let t = process.hrtime.bigint();
    await nc.request(`${ns}.raw`, codec.encode(request));
    raw.push(Number(process.hrtime.bigint() - t) / 1000);
    t = process.hrtime.bigint();
    await client.request('policy.v1.decide', request);
    typed.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  console.log(`request/reply between two processes over ${NATS}, ${N} sequential requests each, interleaved`);
  report('raw nats request/reply (JSON)', raw, { width: 44 });
  report('MessagingClient → @HandlesRequest (Nest)', typed, { width: 44 });
  await ctx.close();
  await nc.close();
  child.kill();
}

void (process.argv[2] === 'responder' ? responder() : caller());
