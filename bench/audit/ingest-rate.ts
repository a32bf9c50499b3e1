// Sustained ingest rate of the audit service with the hash chain, on the real NATS and PostgreSQL.
// A backlog of N events is published while the audit process is stopped, then it is started and timed
// until every event is in the chain (so the figure is the service's drain rate, not the publisher's).
// Finally the whole chain is verified through the API, which gives the verification rate.
//   node scripts/build.mjs && node dist/bench/audit/ingest-rate.js [events=200000] [batchSize=1000]
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startStack, testEnv } from '@portcullis/testing';
import { connect, JSONCodec } from 'nats';
import { Client } from 'pg';

const total = Number(process.argv[2] ?? 200000);
const batchSize = Number(process.argv[3] ?? 1000);
const codec = JSONCodec();

/** A command decision as the broker publishes it, across 2,000 concurrent sessions. */
function event(i: number) {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    type: 'command.decided',
    source: 'broker',
    principal: { id: `agent-${i % 50}`, kind: 'agent', tenant: 't1', appId: 'app', groups: ['g-readers', 'g-ops'] },
    channel: 'postgres',
    connection: `db-${i % 8}`,
    sessionId: `s-${i % 2000}`,
    traceId: randomUUID().replace(/-/g, ''),
    command: `SELECT id, email FROM customers_${i % 100} WHERE id = ${i}`,
    fingerprint: `fp-${i % 100}`,
    decision: i % 10 === 0 ? 'deny' : 'allow',
    ruleIds: ['readers-select', 'pii-mask'],
    durationMs: 1.25,
  };
}

// CPU seconds (user + system) a process has used, from /proc: unlike wall time, this does not depend on
// what else the machine is running, so it gives the cost per event even on a shared machine.
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function main(): Promise<void> {
  const stack = await startStack({
    label: 'benchingest',
    services: ['identity', 'audit'],
    config: { audit: { stream: { maxBytes: 2 * 1024 ** 3 }, ingest: { batchSize } } },
  });
  const nc = await connect({ servers: [testEnv.natsUrl] });
  const pg = new Client({ connectionString: stack.databaseUrl });
  try {
    await pg.connect();
    await stack.services.audit.stop();
    const js = nc.jetstream();
    let started = Date.now();
    for (let i = 0; i < total; i += 2000) {
      const n = Math.min(2000, total - i);
      await Promise.all(
        Array.from({ length: n }, (_, k) => {
          const e = event(i + k);
          return js.publish(`${stack.namespace}.audit.v1.command.decided`, codec.encode(e), { msgID: e.id });
        }),
      );
    }
    out(`published a backlog of ${total} events in ${Date.now() - started} ms`);

    const audit = await stack.start('audit');
    const backends = (
      await pg.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    ).rows.map((r) => Number(r.pid));
    const nats = pidsNamed('nats-server');
    const cpu = () => ({
      audit: cpuSeconds(audit.child.pid ?? 0),
      postgres: backends.reduce((a, p) => a + cpuSeconds(p), 0),
      nats: nats.reduce((a, p) => a + cpuSeconds(p), 0),
    });
    const cpu0 = cpu();
    started = Date.now();
    const load = loadavg()[0];
    let stored = 0;
    while (stored < total) {
      await new Promise((r) => setTimeout(r, 100));
      stored = Number((await pg.query('SELECT coalesce(max(seq), 0) AS n FROM audit.events')).rows[0].n);
    }
    const seconds = (Date.now() - started) / 1000;
    const rows = (await pg.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM audit.events')).rows[0];
    out(`ingest: ${total} events in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} events/s`);
    out(`  batch ${batchSize}, rows ${rows.n}, distinct ids ${rows.d}, load average at start ${load.toFixed(2)}`);
    const cpu1 = cpu();
    const us = (k: keyof typeof cpu0) => Math.round(((cpu1[k] - cpu0[k]) * 1e6) / total);
    const sum = us('audit') + us('postgres') + us('nats');
    out(`  CPU per event: audit ${us('audit')} us, postgres ${us('postgres')} us, nats-server ${us('nats')} us`);
    out(`  = ${sum} us: on 2 dedicated cores at most ${Math.round(2e6 / sum)} events/s`);

    const token = await stack.tokens.human('bob');
    started = Date.now();
    const res = await fetch(`http://127.0.0.1:${audit.httpPort}/v1/audit/verify`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const report = (await res.json()) as { ok: boolean; checked: number };
    const vs = (Date.now() - started) / 1000;
    out(
      `verify: ok=${report.ok}, ${report.checked} rows in ${vs.toFixed(2)} s = ${Math.round(report.checked / vs)} rows/s`,
    );
  } finally {
    await pg.end().catch(() => undefined);
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(`PORTCULLIS_AUDIT_${stack.namespace.toUpperCase()}`).catch(() => undefined);
    await nc.close();
    await stack.stop();
  }
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
