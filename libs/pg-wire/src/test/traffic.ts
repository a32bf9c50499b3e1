// Test-only: the workloads whose real traffic the specs replay (this folder is not built).
import { Client } from 'pg';
import { type Recording, RecordingProxy, type Upstream, runPgbench, runPsql, upstreamFromUrl } from './recorder';

export const upstream: Upstream = upstreamFromUrl(
  process.env.PORTCULLIS_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/portcullis',
);

const COPY_IN_SCRIPT = `CREATE TEMP TABLE wire_t(a int, b text);
COPY wire_t FROM STDIN;
1\tone
2\t\\N
3\tthree, with comma
\\.
SELECT * FROM wire_t ORDER BY a;
DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$;
BEGIN;
SELECT 1 AS in_tx;
SELECT broken_column FROM wire_t;
ROLLBACK;
`;

async function withClient(port: number, fn: (c: Client) => Promise<void>): Promise<void> {
  const c = new Client({ host: '127.0.0.1', port, user: upstream.user, database: upstream.database });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}

/** Swallows the server error a workload provokes on purpose (it is the traffic we want). */
async function expectError(p: Promise<unknown>): Promise<void> {
  await p.then(
    () => {
      throw new Error('expected the server to report an error');
    },
    () => undefined,
  );
}

/**
 * Records every workload once: psql (simple protocol, SSLRequest, errors, COPY both ways, notices,
 * transactions), the pg driver (extended protocol, named statements, NULLs, bytea, arrays, unicode,
 * LISTEN/NOTIFY, a 200 kB row split across TCP reads) and pgbench in all three query modes.
 */
export async function recordTraffic(): Promise<Recording[]> {
  const proxy = await RecordingProxy.start(upstream);
  const port = proxy.port;
  try {
    await proxy.record('psql simple', () =>
      runPsql(port, upstream, ['-c', "SELECT 1 AS one, 'two'::text AS two, NULL::int AS three, now() AS ts"]),
    );
    await proxy.record('psql error', () => runPsql(port, upstream, ['-c', 'SELECT 1/0']));
    await proxy.record('psql copy out', () =>
      runPsql(port, upstream, ['-c', 'COPY (SELECT g, md5(g::text) FROM generate_series(1, 50) g) TO STDOUT']),
    );
    await proxy.record('psql copy in', () => runPsql(port, upstream, ['-f', '-'], COPY_IN_SCRIPT));
    await proxy.record('pg extended', () =>
      withClient(port, async (c) => {
        await c.query(
          "SELECT 'héllo ✓'::text AS t, '\\x00ff'::bytea AS b, ARRAY[1,NULL,3] AS a, '{\"k\":[1,2]}'::jsonb AS j",
        );
        await c.query('SELECT $1::int + 1 AS n, $2::text AS t, $3::text AS nothing', [41, 'x', null]);
        for (let i = 0; i < 2; i++) await c.query({ name: 'wire_stmt', text: 'SELECT $1::int * 2 AS d', values: [i] });
        await c.query({ text: 'SELECT g, g::text FROM generate_series(1, 20) g', rowMode: 'array' });
        await expectError(c.query('SELECT $1::int', ['not a number']));
        await c.query('');
        await c.query('LISTEN wire_channel');
        await c.query("NOTIFY wire_channel, 'payload'");
        await c.query("SELECT repeat('x', 200000) AS big");
      }),
    );
    for (const mode of ['simple', 'extended', 'prepared']) {
      await proxy.record(`pgbench ${mode}`, () => runPgbench(port, upstream, mode, 50));
    }
    return proxy.recordings;
  } finally {
    await proxy.close();
  }
}
