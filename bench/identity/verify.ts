// Token verifications per second and latency with a warm JWKS cache: in-process (the verifier library)
// and over NATS (identity.v1.verify answered by the identity service process, suspension check included).
// Run: npm run build && node dist/bench/identity/verify.js
import { Test } from '@nestjs/testing';
import { DEV_API_APP_ID, DEV_TENANT } from '@portcullis/dev-identities';
import { MessagingClient, MessagingModule } from '@portcullis/messaging';
import { startStack, testEnv } from '@portcullis/testing';
import { JwksCache, TokenVerifier } from '@portcullis/token-verifier';
import { concurrent, report, sequential } from '../support/latency';

const N = Number(process.env.BENCH_N ?? 3000);

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
    report('in-process, sequential', await sequential(() => verifier.verify(token), N));
    const c = await concurrent(() => verifier.verify(token), N, 32);
    report('in-process, 32 concurrent', c.samples, { wallMs: c.wallMs });

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
    report('over NATS (identity service), seq', await sequential(verify, N));
    const n = await concurrent(verify, N, 32);
    report('over NATS, 32 concurrent', n.samples, { wallMs: n.wallMs });
    await ctx.close();
  } finally {
    await stack.stop();
  }
}

void main();
