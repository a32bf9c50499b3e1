// Query latency of the audit API on 1M events. The events are generated with SQL straight into the
// stack's own database (fast, and realistic in shape: 500 principals, 40 connections, 20k sessions,
// mixed types and decisions), then each query is asked through the HTTP API with an auditor's token,
// so the figures include the token check and JSON encoding. The database is dropped at the end.
//   node scripts/build.mjs && node dist/bench/audit/query-latency.js [events=1000000] [runs=20]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startStack } from '@portcullis/testing';
import { Client } from 'pg';

const total = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 20);

// Hashes are placeholders: this measures queries, not verification (ingest-rate.ts verifies a real chain).
const GENERATE = `
  INSERT INTO audit.events (seq, id, time, stored_at, type, source, principal_id, principal_kind, tenant, groups,
    channel, connection, session_id, trace_id, command, decision, rule_ids, approval_id, prev_hash,
    session_prev_hash, hash, body)
  SELECT g, id, ts, ts, type, 'broker', principal, kind, 't1', groups, 'postgres', conn, sid, trace, command,
    decision, rules, approval, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea,
    json_build_object('id', id, 'time', ts, 'type', type, 'source', 'broker',
      'principal', json_build_object('id', principal, 'kind', kind, 'tenant', 't1', 'appId', null, 'groups', groups),
      'channel', 'postgres', 'connection', conn, 'sessionId', sid, 'traceId', trace, 'command', command,
      'decision', decision, 'ruleIds', rules, 'approvalId', approval)::text
  FROM generate_series($1::bigint, $2::bigint) AS g
  CROSS JOIN LATERAL (SELECT
    gen_random_uuid() AS id,
    timestamptz '2025-01-01' + g * interval '3 seconds' AS ts,
    CASE WHEN g % 100 < 60 THEN 'command.decided' WHEN g % 100 < 85 THEN 'command.executed'
         WHEN g % 100 < 90 THEN 'session.started' WHEN g % 100 < 95 THEN 'session.ended'
         WHEN g % 100 < 98 THEN 'approval.requested' WHEN g % 100 < 99 THEN 'approval.decided'
         ELSE 'identity.rejected' END AS type,
    'agent-' || (g % 500) AS principal,
    CASE WHEN g % 10 = 0 THEN 'human' ELSE 'agent' END AS kind,
    CASE WHEN g % 7 = 0 THEN ARRAY['g-readers', 'g-ops'] ELSE ARRAY['g-readers'] END AS groups,
    'db-' || (g % 40) AS conn,
    's-' || (g / 50) AS sid,
    md5(g::text) AS trace,
    CASE WHEN g % 101 = 0 THEN 'DROP TABLE customers_' || (g % 1000)
         ELSE 'SELECT id, email FROM customers_' || (g % 1000) || ' WHERE id = ' || g END AS command,
    CASE WHEN g % 100 >= 60 THEN NULL WHEN g % 50 = 0 THEN 'approval' WHEN g % 12 = 0 THEN 'deny' ELSE 'allow' END AS decision,
    ARRAY['rule-' || (g % 200)] || CASE WHEN g % 9 = 0 THEN ARRAY['pii-mask'] ELSE ARRAY[]::text[] END AS rules,
    CASE WHEN g % 100 IN (95, 96, 97, 98) THEN 'appr-' || g END AS approval
  ) AS x`;

const SESSIONS = `
  INSERT INTO audit.sessions (session_id, principal_id, principal_kind, tenant, connection, channel, started_at,
    ended_at, first_time, last_time, first_seq, last_seq, last_hash, events, commands, denied, approvals)
  SELECT session_id, min(principal_id), min(principal_kind), 't1', min(connection), 'postgres', min(time), max(time),
    min(time), max(time), min(seq), max(seq), '\\x00'::bytea, count(*), count(*) FILTER (WHERE type = 'command.decided'),
    count(*) FILTER (WHERE decision = 'deny'), count(*) FILTER (WHERE type = 'approval.requested')
  FROM audit.events GROUP BY session_id`;

async function main(): Promise<void> {
  const stack = await startStack({
    label: 'benchquery',
    services: ['identity', 'audit'],
    config: { audit: { stream: { maxBytes: 64 * 1024 ** 2 } } },
  });
  const pg = new Client({ connectionString: stack.databaseUrl });
  try {
    await pg.connect();
    let t = performance.now();
    for (let from = 1; from <= total; from += 100_000) {
      await pg.query(GENERATE, [from, Math.min(total, from + 99_999)]);
    }
    await pg.query(SESSIONS);
    await pg.query('VACUUM ANALYZE audit.events');
    await pg.query('VACUUM ANALYZE audit.sessions');
    out(`generated ${total} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const size = await pg.query(`SELECT pg_size_pretty(pg_total_relation_size('audit.events')) AS s`);
    out(`audit.events with indexes: ${size.rows[0].s}; load average ${loadavg()[0].toFixed(2)}`);

    const token = await stack.tokens.human('bob');
    const base = `http://127.0.0.1:${stack.services.audit.httpPort}`;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.text();
    };
    const mid = (n: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + n * 3000).toISOString();
    const page10 = async () => {
      let cursor = '';
      for (let i = 0; i < 10; i++) {
        const page = JSON.parse(await get(`/v1/events?principal=agent-42&limit=100${cursor}`)) as {
          nextCursor: string;
        };
        cursor = `&cursor=${encodeURIComponent(page.nextCursor)}`;
      }
    };
    const queries: Array<[string, () => Promise<unknown>]> = [
      ['latest 100 events', () => get('/v1/events?limit=100')],
      ['principal', () => get('/v1/events?principal=agent-42&limit=100')],
      ['principal kind', () => get('/v1/events?kind=human&limit=100')],
      ['group', () => get('/v1/events?group=g-ops&limit=100')],
      ['connection', () => get('/v1/events?connection=db-7&limit=100')],
      ['type (rare)', () => get('/v1/events?type=identity.rejected&limit=100')],
      ['decision deny', () => get('/v1/events?decision=deny&limit=100')],
      ['decision approval (rare)', () => get('/v1/events?decision=approval&limit=100')],
      ['rule id', () => get('/v1/events?ruleId=rule-17&limit=100')],
      ['rule id (common)', () => get('/v1/events?ruleId=pii-mask&limit=100')],
      ['approval id', () => get(`/v1/events?approvalId=appr-${Math.floor(total / 2 / 100) * 100 + 96}`)],
      ['trace id', () => get(`/v1/events?traceId=${'c4ca4238a0b923820dcc509a6f75849b'}`)],
      ['session', () => get(`/v1/events?sessionId=s-${Math.floor(total / 100)}&limit=100`)],
      ['time range (1 h)', () => get(`/v1/events?from=${mid(total / 2)}&to=${mid(total / 2 + 1200)}&limit=100`)],
      ['command substring', () => get('/v1/events?q=customers_123%20WHERE&limit=100')],
      ['command substring (rare)', () => get('/v1/events?q=DROP%20TABLE%20customers_77&limit=100')],
      [
        'principal + decision + range',
        () => get(`/v1/events?principal=agent-7&decision=allow&from=${mid(total / 4)}&to=${mid(total / 2)}&limit=100`),
      ],
      ['10 pages deep (principal)', page10],
      ['sessions list', () => get('/v1/sessions?limit=100')],
      ['sessions of a principal', () => get('/v1/sessions?principal=agent-42&limit=100')],
      ['session timeline', () => get(`/v1/sessions/s-${Math.floor(total / 200)}?limit=100`)],
      ['export 10k rows ndjson', () => get('/v1/export?format=ndjson&limit=10000')],
      ['export 10k rows ocsf', () => get('/v1/export?format=ocsf&limit=10000')],
    ];
    out(`\n${'query'.padEnd(32)} p50 ms   p95 ms   max ms   (${runs} runs each, after 2 warm-ups)`);
    for (const [name, run] of queries) {
      for (let i = 0; i < 2; i++) await run();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        t = performance.now();
        await run();
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const p = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)].toFixed(1);
      out(`${name.padEnd(32)} ${p(0.5).padStart(6)}   ${p(0.95).padStart(6)}   ${p(1).padStart(6)}`);
    }
  } finally {
    await pg.end().catch(() => undefined);
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
