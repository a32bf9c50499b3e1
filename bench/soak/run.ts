// Soak: a steady rate of Postgres sessions through two brokers (2 replicas of every service, loopback),
// for a given duration, sampling each process's RSS, heap and event-loop lag from its /metrics. At the
// end it checks that no session or upstream connection was left behind and that the audit trail holds
// everything the stream accepted. Usage: node dist/bench/soak/run.js [seconds=120] [statements/s=200]
import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import {
  createTestDatabase,
  processMetrics,
  startStack,
  targetConnection,
  waitForAuditDrain,
  type ProcessMetrics,
  type Stack,
} from '@portcullis/testing';

const SECONDS = Number(process.argv[2] ?? 120);
const RATE = Number(process.argv[3] ?? 200);
const SAMPLE_MS = Math.max(5000, Math.min(60000, (SECONDS * 1000) / 12));

interface Sample {
  at: number;
  figures: Record<string, ProcessMetrics>;
}

/** pgbench against one broker: `-S` at a fixed rate; with `reconnect`, a new session per transaction. */
function pgbench(stack: Stack, broker: number, token: string, rate: number, reconnect: boolean): ChildProcess {
  const args = ['-n', '-S', '-M', 'simple', '-c', reconnect ? '2' : '4', '-j', '1', '-R', String(rate)];
  args.push('-T', String(SECONDS), '-P', String(Math.round(SAMPLE_MS / 1000)));
  if (reconnect) args.push('-C');
  args.push(`host=127.0.0.1 port=${stack.brokers[broker].postgres} dbname=bench user=agent sslmode=require`);
  return spawn('pgbench', args, { env: { ...process.env, PGPASSWORD: token }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess, label: string): Promise<string> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve(`${label} (exit ${code}):\n${out.split('\n').filter(summaryLine).join('\n')}`)),
  );
}

const summaryLine = (l: string) => /tps =|latency average|failed|aborted|number of transactions actually/.test(l);

async function sample(stack: Stack): Promise<Sample> {
  const figures: Record<string, ProcessMetrics> = {};
  for (const [name, list] of Object.entries(stack.replicas))
    for (const [i, p] of list.entries()) figures[`${name}#${i}`] = await processMetrics(p.httpPort);
  return { at: Date.now(), figures };
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

function printTable(samples: Sample[], t0: number): void {
  const names = Object.keys(samples[0].figures);
  console.log(`\nRSS MB (heap used MB) per process, every ${SAMPLE_MS / 1000} s`);
  console.log(['t(s)', ...names].map((c) => c.padStart(12)).join(''));
  for (const s of samples) {
    const cells = names.map((n) => `${mb(s.figures[n].rssBytes)} (${mb(s.figures[n].heapUsedBytes)})`);
    console.log([String(Math.round((s.at - t0) / 1000)), ...cells].map((c) => c.padStart(12)).join(''));
  }
  console.log(`\nevent-loop lag p99 / max ms since the previous sample`);
  console.log(['t(s)', ...names].map((c) => c.padStart(12)).join(''));
  for (const s of samples) {
    const cells = names.map(
      (n) => `${s.figures[n].eventLoopLagP99Ms.toFixed(0)}/${s.figures[n].eventLoopLagMaxMs.toFixed(0)}`,
    );
    console.log([String(Math.round((s.at - t0) / 1000)), ...cells].map((c) => c.padStart(12)).join(''));
  }
}

async function upstreamConnections(db: { url: string; name: string }): Promise<number> {
  const c = new Client({ connectionString: db.url.replace(`/${db.name}`, '/postgres') });
  await c.connect();
  try {
    const r = await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
    return r.rows[0].n as number;
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const target = await createTestDatabase('soak');
  const init = spawn('pgbench', ['-i', '-s', '1', '-q', target.url], { stdio: 'ignore' });
  await new Promise((r) => init.on('close', r));
  const services = ['identity', 'policy', 'approval', 'audit', 'broker'];
  const stack = await startStack({
    label: 'soak',
    services,
    replicas: Object.fromEntries(services.map((s) => [s, 2])),
    config: {
      connections: [targetConnection('bench', target)],
      policies: [
        { id: 'connect', effect: 'allow', actions: ['connect'] },
        { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
      ],
    },
    idpEnv: { DEV_IDP_TOKEN_LIFETIME: String(SECONDS + 3600) },
  });
  try {
    const token = await stack.tokens.agent();
    console.log(`soak: ${SECONDS} s at ${RATE} statements/s through 2 brokers (2 replicas of every service)`);
    const t0 = Date.now();
    const runs = [
      finished(pgbench(stack, 0, token, Math.round(RATE * 0.9), false), 'broker#0: 4 long sessions'),
      finished(
        pgbench(stack, 1, token, Math.max(1, Math.round(RATE * 0.1)), true),
        'broker#1: a new session per statement',
      ),
    ];
    const samples: Sample[] = [await sample(stack)];
    const timer = setInterval(() => void sample(stack).then((s) => samples.push(s)), SAMPLE_MS);
    const results = await Promise.all(runs);
    clearInterval(timer);
    await new Promise((r) => setTimeout(r, 2000));
    samples.push(await sample(stack));
    for (const r of results) console.log(`\n${r}`);
    printTable(samples, t0);
    const state = await waitForAuditDrain(stack, 120000);
    const last = samples[samples.length - 1].figures;
    const sessions = Object.entries(last)
      .filter(([n]) => n.startsWith('broker'))
      .reduce((a, [, f]) => a + f.sessions, 0);
    console.log(
      `\nafter the load: live broker sessions ${sessions}, upstream connections ${await upstreamConnections(target)}`,
    );
    console.log(
      `audit: ${state.streamMessages} events accepted, ${state.stored} stored, ${state.rejected} rejected, ${state.pending} pending`,
    );
    const first = samples[1] ?? samples[0];
    for (const n of Object.keys(last))
      console.log(
        `${n.padEnd(12)} RSS ${mb(first.figures[n].rssBytes)} → ${mb(last[n].rssBytes)} MB, heap ${mb(first.figures[n].heapUsedBytes)} → ${mb(last[n].heapUsedBytes)} MB, worst lag p99 ${Math.max(...samples.map((s) => s.figures[n].eventLoopLagP99Ms)).toFixed(0)} ms`,
      );
  } finally {
    await stack.stop();
    await target.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
