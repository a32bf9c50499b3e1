// Real clients through the broker beyond psql: pgbench in every protocol mode, COPY both ways, the
// driver's pipelining; and a differential check that the broker changes nothing but masked values.
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { startStack, type Stack } from '@portcullis/testing';
import { brokerClient, createTargetDatabase, targetConnection, psql } from './postgres-support';

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  input = '',
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input);
  });
}

describe('broker: real Postgres clients', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let token: string;

  beforeAll(async () => {
    target = await createTargetDatabase('pgclients');
    const init = await run('pgbench', ['-i', '-s', '1', '-q', target.url], {});
    if (init.code !== 0) throw new Error(`pgbench -i failed: ${init.err}`);
    stack = await startStack({
      label: 'pgclients',
      services: ['identity', 'policy', 'audit', 'broker'],
      config: {
        connections: [targetConnection('shop', target)],
        policies: [
          { id: 'connect', effect: 'allow', principals: { kinds: ['agent'] }, actions: ['connect'] },
          {
            id: 'read',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['sql'],
            sql: { categories: ['read', 'transaction'] },
            masking: [{ detector: 'email', strategy: 'redact' }],
          },
          {
            id: 'copy-out',
            effect: 'allow',
            actions: ['sql'],
            sql: { categories: ['copy'], copyDirection: 'to' },
            masking: [{ detector: 'email', strategy: 'redact' }],
          },
          {
            id: 'write-orders',
            effect: 'allow',
            actions: ['sql'],
            sql: { categories: ['write', 'copy'], onlyRelations: ['orders', 'pgbench_*'] },
          },
        ],
      },
    });
    token = await stack.tokens.agent();
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it.each(['simple', 'extended', 'prepared'])(
    'runs pgbench -S -M %s through the broker',
    async (mode) => {
      const r = await run(
        'pgbench',
        [
          '-n',
          '-S',
          '-M',
          mode,
          '-c',
          '2',
          '-t',
          '100',
          `host=127.0.0.1 port=${stack.brokerPorts.postgres} dbname=shop user=agent sslmode=require`,
        ],
        { PGPASSWORD: token },
      );
      expect(r.err).not.toMatch(/error|abort/i);
      expect(r.out).toContain('number of transactions actually processed: 200/200');
    },
    60000,
  );

  it('streams COPY TO STDOUT with masking, and COPY FROM STDIN into an allowed table', async () => {
    const out = await psql(stack, 'shop', token, [
      '-At',
      '-c',
      'copy (select id, email from customers order by id) to stdout',
    ]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('1\t[REDACTED:email]');
    expect(out.stdout).not.toContain('@example');
    const copyIn = await psql(stack, 'shop', token, ['-At', '-c', '\\copy orders (customer_id, total) from stdin'], {
      input: '1\t1000\n2\t2000\n\\.\n',
    });
    expect(copyIn.stderr).toBe('');
    const n = await psql(stack, 'shop', token, ['-At', '-c', 'select count(*) from orders where total >= 1000']);
    expect(n.stdout.trim()).toBe('2');
    const refused = await psql(
      stack,
      'shop',
      token,
      ['-At', '-c', '\\copy customers (id, name, email, card) from stdin'],
      { input: '9\tx\ty\tz\n\\.\n' },
    );
    expect(refused.stderr).toContain('portcullis: denied by default-deny');
  });

  it('answers pipelined extended-protocol queries in order, with a denied one in the middle', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const results = await Promise.allSettled([
        c.query('select 1 as n'),
        c.query('select 2 as n'),
        c.query('delete from customers'),
        c.query('select 4 as n'),
      ]);
      expect(
        results.map((r) => (r.status === 'fulfilled' ? r.value.rows[0].n : (r.reason as { code: string }).code)),
      ).toEqual([1, 2, '42501', 4]);
    } finally {
      await c.end();
    }
  });

  it('gives the same answers as the database itself, apart from masked values', async () => {
    const queries: Array<[string, unknown[]]> = [
      ["select 1::int2, 2::int8, 3.5::numeric, 'x'::text, null::text, true, now()::date = current_date", []],
      ['select * from orders where id between $1 and $2 order by id', [3, 7]],
      ["select json_build_object('a', 1, 'b', array[1,2])", []],
      ['select name, note from customers order by id', []],
      ['select 1/0', []],
      ['select * from missing_table', []],
      ["select 'x'::int", []],
    ];
    const direct = new Client({ connectionString: target.url });
    const via = brokerClient(stack, 'shop', token);
    await direct.connect();
    await via.connect();
    try {
      for (const [text, values] of queries) {
        const [a, b] = await Promise.all([
          direct.query(text, values).then(
            (r) => ({ rows: r.rows, fields: r.fields.map((f) => [f.name, f.dataTypeID]) }),
            (e: { code: string; message: string }) => ({ error: [e.code, e.message] }),
          ),
          via.query(text, values).then(
            (r) => ({ rows: r.rows, fields: r.fields.map((f) => [f.name, f.dataTypeID]) }),
            (e: { code: string; message: string }) => ({ error: [e.code, e.message] }),
          ),
        ]);
        expect({ text, result: b }).toEqual({ text, result: a });
      }
    } finally {
      await direct.end();
      await via.end();
    }
  });
});
