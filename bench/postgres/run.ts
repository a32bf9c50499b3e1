// Driver of bench/postgres.sh: see that script for how to run it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, freePort, startStack } from '@portcullis/testing';
import { startPgBouncer } from './pgbouncer';

const SECONDS = Number(process.argv[2] ?? 10);

interface PgbenchResult {
  tps: number;
  latencyMs: number;
}

function pgbench(conn: string, mode: string, clients: number, password = ''): Promise<PgbenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'pgbench',
      ['-n', '-S', '-M', mode, '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(SECONDS), conn],
      {
        env: { ...process.env, PGPASSWORD: password },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      const tps = /tps = ([\d.]+)/.exec(out);
      const lat = /latency average = ([\d.]+) ms/.exec(out);
      if (code !== 0 || !tps || !lat) return reject(new Error(`pgbench failed:\n${out}`));
      resolve({ tps: Number(tps[1]), latencyMs: Number(lat[1]) });
    });
  });
}

async function timedSelect(conn: string, sql: string, password = ''): Promise<{ rows: number; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [conn, '-X', '-At', '-c', sql], { env: { ...process.env, PGPASSWORD: password } });
    let rows = 0;
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) rows++;
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve({ rows, seconds: (Date.now() - started) / 1000 }) : reject(new Error(err)),
    );
  });
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench');
  const url = new URL(db.url);
  const init = spawn('pgbench', ['-i', '-s', '10', '-q', db.url], { stdio: 'ignore' });
  await new Promise((r) => init.on('close', r));
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query(
    `CREATE TABLE big AS SELECT g AS id, 'user' || g || '@example.com' AS email, '4111 1111 1111 1111' AS card, md5(g::text) AS note FROM generate_series(1, 1000000) g`,
  );
  await c.end();

  const bouncerPort = await freePort();
  const bouncer = await startPgBouncer(bouncerPort, db.name);
  const stack = await startStack({
    label: 'bench',
    services: ['identity', 'policy', 'audit', 'broker'],
    // BENCH_PROF=1: a CPU profile of every service in /tmp/prof (see bench/support/cpu-profile.ts).
    ...(process.env.BENCH_PROF
      ? { env: { NODE_OPTIONS: `--require ${join(__dirname, '../support/cpu-profile.js')}` } }
      : {}),
    config: {
      connections: [
        {
          name: 'bench',
          type: 'postgres',
          target: { host: url.hostname, port: Number(url.port || 5432), database: db.name, tls: 'disable' },
          credentials: { username: 'postgres' },
        },
      ],
      policies: [
        { id: 'connect', effect: 'allow', actions: ['connect'] },
        {
          id: 'read',
          effect: 'allow',
          actions: ['sql'],
          sql: { categories: ['read'] },
          masking: [
            { column: 'big.email', strategy: 'partial' },
            { column: 'big.card', strategy: 'redact' },
          ],
        },
      ],
    },
  });
  try {
    const token = await stack.tokens.agent();
    const targets: Array<[string, string, string]> = [
      ['PostgreSQL direct', `host=127.0.0.1 port=${url.port || 5432} dbname=${db.name} user=postgres`, ''],
      ['PgBouncer 1.18 (session)', `host=127.0.0.1 port=${bouncerPort} dbname=bench user=postgres`, ''],
      [
        'Portcullis',
        `host=127.0.0.1 port=${stack.brokerPorts.postgres} dbname=bench user=agent sslmode=require`,
        token,
      ],
    ];
    const rows: string[] = [];
    const results: Record<string, PgbenchResult> = {};
    for (const mode of ['simple', 'prepared']) {
      for (const clients of [1, 10]) {
        for (const [label, conn, pw] of targets) {
          const r = await pgbench(conn, mode, clients, pw);
          results[`${label}|${mode}|${clients}`] = r;
        }
        const d = results[`PostgreSQL direct|${mode}|${clients}`];
        const b = results[`PgBouncer 1.18 (session)|${mode}|${clients}`];
        const p = results[`Portcullis|${mode}|${clients}`];
        rows.push(
          `| -S ${mode.padEnd(8)} c=${String(clients).padEnd(2)} | ${d.tps.toFixed(0).padStart(6)} (${(d.latencyMs * 1000).toFixed(0)} µs) | ${b.tps.toFixed(0).padStart(6)} (${(b.latencyMs * 1000).toFixed(0)} µs) | ${p.tps.toFixed(0).padStart(6)} (${(p.latencyMs * 1000).toFixed(0)} µs) | ${(p.tps / b.tps).toFixed(2)} | ${(p.tps / d.tps).toFixed(2)} | ${((p.latencyMs - d.latencyMs) * 1000).toFixed(0)} µs |`,
        );
      }
    }
    console.log(`\npgbench, scale 10, ${SECONDS} s per run, one machine (2 cores): TPS (average latency)`);
    console.log(
      '| workload | direct | PgBouncer | Portcullis | Portcullis/PgBouncer | Portcullis/direct | added latency |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);

    const sql = 'select id, email, card, note from big';
    const direct = await timedSelect(targets[0][1], sql);
    const masked = await timedSelect(targets[2][1], sql, token);
    console.log(`\n1M-row SELECT with two masked columns (psql, rows to /dev/null):`);
    console.log(
      `  direct      ${direct.rows} rows in ${direct.seconds.toFixed(2)} s = ${(direct.rows / direct.seconds).toFixed(0)} rows/s`,
    );
    console.log(
      `  Portcullis  ${masked.rows} rows in ${masked.seconds.toFixed(2)} s = ${(masked.rows / masked.seconds).toFixed(0)} rows/s (${(masked.rows / masked.seconds / (direct.rows / direct.seconds)).toFixed(2)}× direct)`,
    );
  } finally {
    await stack.stop();
    await bouncer.stop();
    await db.drop();
  }
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
