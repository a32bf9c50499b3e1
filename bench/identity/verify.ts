// Token verifications per second and latency with a warm JWKS cache: in-process (the verifier library)
// and over NATS (identity.v1.verify answered by the identity service process, suspension check included).
// Run: npm run build && node dist/bench/identity/verify.js
import { Test } from '@nestjs/testing';
import { DEV_API_APP_ID, DEV_TENANT } from '@portcullis/dev-identities';
import { MessagingClient, MessagingModule } from '@portcullis/messaging';
import { startStack, testEnv } from '@portcullis/testing';
import { JwksCache, TokenVerifier } from '@portcullis/token-verifier';

const N = Number(process.env.BENCH_N ?? 3000);

function report(label: string, samples: number[], wallMs?: number): void {
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  const rate = wallMs ? (samples.length / wallMs) * 1000 : 1e6 / (samples.reduce((a, b) => a + b, 0) / samples.length);
  console.log(
    `  ${label.padEnd(34)} p50 ${q(0.5).toFixed(0).padStart(5)} µs  p99 ${q(0.99).toFixed(0).padStart(6)} µs  ${rate.toFixed(0).padStart(7)} /s`,
  );
}

async function sequential(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out;
}

async function concurrent(fn: () => Promise<unknown>, width: number): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < N) {
        const t = process.hrtime.bigint();
        await fn();
        samples.push(Number(process.hrtime.bigint() - t) / 1000);
      }
    }),
  );
  return { samples, wallMs: Date.now() - started };
}

async function main(): Promise<void> {
  const stack = await startStack({ label: 'benchid', services: ['identity'] });
  try {
    const token = await stack.tokens.agent();
    const verifier = new TokenVerifier({
      providers: [
        { name: 'dev', kind: 'entra', tenants: [DEV_TENANT], issuer: stack.idp.issuer, audiences: [DEV_API_APP_ID] },
      ],
      jwks: new JwksCache(),
    });
    const first = await verifier.verify(token);
    if (!first.ok) throw new Error(`token refused: ${first.reason}`);
    console.log(`token verification, warm JWKS cache, ${N} verifications per row`);
    report('in-process, sequential', await sequential(() => verifier.verify(token)));
    const c = await concurrent(() => verifier.verify(token), 32);
    report('in-process, 32 concurrent', c.samples, c.wallMs);

    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    const mod = await Test.createTestingModule({
      imports: [MessagingModule.forRoot({ serviceName: 'bench', natsUrl: testEnv.natsUrl, requestTimeoutMs: 5000 })],
    }).compile();
    const ctx = await mod.init();
    const client = ctx.get(MessagingClient);
    const verify = async () => {
      const r = await client.request('identity.v1.verify', { token, channel: 'postgres' });
      if (!r.ok) throw new Error(r.reason);
    };
    report('over NATS (identity service), seq', await sequential(verify));
    const n = await concurrent(verify, 32);
    report('over NATS, 32 concurrent', n.samples, n.wallMs);
    await ctx.close();
  } finally {
    await stack.stop();
  }
}

void main();
