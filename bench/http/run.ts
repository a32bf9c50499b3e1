// HTTP front end benchmark: a small JSON GET, direct to the API and through the broker (token check,
// policy decision per request, write-ahead audit, credential injection, JSON masking pass), measured with
// wrk in one run. Needs the local PostgreSQL, NATS and Redis (as for npm test) and wrk (apt-get install wrk).
//   node scripts/build.mjs && node dist/bench/http/run.js [seconds-per-run=10]
import { fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startStack } from '@portcullis/testing';

const SECONDS = Number(process.argv[2] ?? 10);

interface WrkResult {
  rps: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

function toMs(v: string, unit: string): number {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

function wrk(url: string, connections: number, headers: string[] = []): Promise<WrkResult> {
  const args = ['-t', String(Math.min(connections, 2)), '-c', String(connections), '-d', `${SECONDS}s`, '--latency'];
  for (const h of headers) args.push('-H', h);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [...args, url]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
      const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(out);
      const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
      if (!rps || !p50 || !p99) return reject(new Error(`wrk failed:\n${out}`));
      resolve({
        rps: Number(rps[1]),
        errors: errors ? Number(errors[1]) : 0,
        p50Ms: toMs(p50[1], p50[2]),
        p99Ms: toMs(p99[1], p99[2]),
      });
    });
  });
}

async function main(): Promise<void> {
  const apiPort = await freePort();
  const api = fork(join(__dirname, 'upstream.js'), [String(apiPort)], { stdio: 'inherit' });
  await new Promise((r) => api.once('message', r));
  const stack = await startStack({
    label: 'httpbench',
    services: ['identity', 'policy', 'audit', 'broker'],
    env: {
      LOG_LEVEL: 'warn',
      TEST_API_TOKEN: 'bench-upstream-token',
      // Node 20 refuses --cpu-prof in NODE_OPTIONS; the preload profiles through the inspector instead.
      ...(process.env.BENCH_PROF ? { NODE_OPTIONS: `--require ${join(__dirname, '../support/cpu-profile.js')}` } : {}),
    },
    idpEnv: { DEV_IDP_TOKEN_LIFETIME: '3600' },
    config: {
      connections: [
        {
          name: 'orders',
          type: 'http',
          target: { url: `http://127.0.0.1:${apiPort}` },
          credentials: { bearer: { env: 'TEST_API_TOKEN' } },
        },
      ],
      policies: [
        {
          id: 'read-orders',
          effect: 'allow',
          actions: ['http'],
          http: { methods: ['GET'], paths: ['/v1/orders/*'] },
          masking: [{ detector: 'email', strategy: 'redact' }],
        },
      ],
    },
  });
  try {
    const token = await stack.tokens.agent();
    const direct = `http://127.0.0.1:${apiPort}/v1/orders/1`;
    const through = `http://127.0.0.1:${stack.services.broker.httpPort}/http/orders/v1/orders/1`;
    const auth = [`Authorization: Bearer ${token}`];
    await wrk(through, 2, auth); // warm-up: JIT, decision cache, connection pools
    const rows: Array<Record<string, string | number>> = [];
    for (const c of [1, 10]) {
      const d = await wrk(direct, c, ['Authorization: Bearer bench-upstream-token']);
      const p = await wrk(through, c, auth);
      rows.push({
        connections: c,
        direct_rps: Math.round(d.rps),
        portcullis_rps: Math.round(p.rps),
        ratio: Number((p.rps / d.rps).toFixed(2)),
        direct_p50_ms: Number(d.p50Ms.toFixed(3)),
        portcullis_p50_ms: Number(p.p50Ms.toFixed(3)),
        direct_p99_ms: Number(d.p99Ms.toFixed(3)),
        portcullis_p99_ms: Number(p.p99Ms.toFixed(3)),
        non_2xx: d.errors + p.errors,
      });
    }
    console.log(`\nsmall JSON GET, ${SECONDS} s per run, wrk on loopback (goal: portcullis ≥ 0.5× direct req/s)`);
    console.table(rows);
  } finally {
    await stack.stop();
    api.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
