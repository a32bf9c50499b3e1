// The Postgres data path end to end: real psql and the pg driver through the broker process to a real
// database, with the real identity, policy and audit services behind it.
import { readAuditStream, startStack, type Stack } from '@portcullis/testing';
import { brokerClient, createTargetDatabase, psql, targetConnection } from './postgres-support';

describe('broker: Postgres data path', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let token: string;

  beforeAll(async () => {
    target = await createTargetDatabase('pgtarget');
    stack = await startStack({
      label: 'pgpath',
      services: ['identity', 'policy', 'audit', 'broker'],
      config: {
        connections: [targetConnection('shop', target, { tags: ['prod'] })],
        policies: [
          { id: 'readers-connect', effect: 'allow', principals: { groups: ['db-readers'] }, actions: ['connect'] },
          {
            id: 'readers-read',
            effect: 'allow',
            principals: { groups: ['db-readers'] },
            actions: ['sql'],
            sql: { categories: ['read', 'transaction'] },
            masking: [
              { column: 'customers.note', strategy: 'redact' },
              { column: 'customers.email', strategy: 'partial' },
              { detector: 'email', strategy: 'partial' },
              { detector: 'payment_card', strategy: 'redact' },
            ],
          },
          {
            id: 'no-ddl',
            effect: 'deny',
            reason: 'schema changes are not allowed',
            actions: ['sql'],
            sql: { categories: ['ddl'] },
          },
        ],
      },
    });
    token = await stack.tokens.agent('code-review-bot');
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('lets psql read with its token as the password, masking emails and card numbers', async () => {
    const r = await psql(stack, 'shop', token, [
      '-At',
      '-c',
      'select id, email, card, note from customers order by id',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(r.stdout).not.toContain('ada@example.com');
    expect(r.stdout).not.toContain('4111 1111 1111 1111');
    expect(r.stdout).not.toContain('4012888888881881');
    expect(lines[0]).toMatch(/^1\|a\*+@example\.com\|/);
  });

  it('follows a masked column through an alias: the server reports its source column', async () => {
    const r = await psql(stack, 'shop', token, ['-At', '-c', 'select note as harmless from customers where id = 1']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('[REDACTED]');
  });

  it('masks aliased columns and expressions by content', async () => {
    const r = await psql(stack, 'shop', token, [
      '-At',
      '-c',
      "select email as name, card || '' as x, row_to_json(c)::text from customers c where id = 1",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('4111 1111 1111 1111');
    expect(r.stdout).not.toContain('ada@example.com');
  });

  it('denies a DROP with SQLSTATE 42501 naming the rule, and the session stays usable', async () => {
    const r = await psql(stack, 'shop', token, ['-At'], {
      input: 'drop table customers;\nselect count(*) from customers;\n',
    });
    expect(r.stderr).toContain('portcullis: denied by no-ddl: schema changes are not allowed');
    expect(r.stdout.trim()).toBe('3');
    const verbose = await psql(stack, 'shop', token, ['-At', '-v', 'VERBOSITY=verbose', '-c', 'drop table customers']);
    expect(verbose.stderr).toContain('42501');
  });

  it('denies a multi-statement message as a whole when one statement is denied', async () => {
    const r = await psql(stack, 'shop', token, ['-At', '-c', 'select 1; drop table orders']);
    expect(r.stderr).toContain('denied by no-ddl');
    expect(r.stdout).toBe('');
  });

  it('decides extended-protocol statements at Parse, with the pg driver', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    try {
      const ok = await c.query('select id, email from customers where id = $1', [2]);
      expect(ok.rows[0].id).toBe(2);
      expect(ok.rows[0].email).not.toBe('bob@example.org');
      await expect(c.query({ text: 'drop table orders', values: [] })).rejects.toMatchObject({ code: '42501' });
      await expect(c.query({ name: 'named-drop', text: 'drop table orders' })).rejects.toMatchObject({ code: '42501' });
      const again = await c.query({ name: 'count', text: 'select count(*)::int as n from orders' });
      expect(again.rows[0].n).toBe(50);
      const reuse = await c.query({ name: 'count', text: 'select count(*)::int as n from orders' });
      expect(reuse.rows[0].n).toBe(50);
    } finally {
      await c.end();
    }
  });

  it('keeps transaction semantics: a denied statement aborts the transaction like a permission error', async () => {
    const r = await psql(stack, 'shop', token, ['-Atq'], {
      input: 'begin;\nselect 1;\ndrop table orders;\nselect 2;\nrollback;\nselect 3;\n',
    });
    expect(r.stdout.trim().split('\n')).toEqual(['1', '3']);
    expect(r.stderr).toContain('denied by no-ddl');
    expect(r.stderr).toContain('current transaction is aborted');
  });

  it('refuses a bad token, an unknown connection and a connection without TLS, with the right SQLSTATE', async () => {
    const bad = await psql(stack, 'shop', 'not-a-token', ['-c', 'select 1']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('portcullis: token refused (malformed)');
    const unknown = await psql(stack, 'nope', token, ['-c', 'select 1']);
    expect(unknown.stderr).toContain('portcullis: no database connection named "nope"');
    const plain = await psql(stack, 'shop', token, ['-c', 'select 1'], { sslmode: 'disable' });
    expect(plain.stderr).toContain('portcullis: TLS is required');
  });

  it('records the decision and the execution of a statement in one trace', async () => {
    const c = brokerClient(stack, 'shop', token);
    await c.connect();
    await c.query('select 777 as trace_marker');
    await c.end();
    await new Promise((r) => setTimeout(r, 500));
    const events = (await readAuditStream(stack)).map(
      (r) => JSON.parse(r) as { type: string; command?: string; traceId?: string },
    );
    const mine = events.filter((e) => e.command === 'select 777 as trace_marker');
    expect(mine.map((e) => e.type).sort()).toEqual(['command.decided', 'command.executed']);
    expect(mine[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(mine[1].traceId).toBe(mine[0].traceId);
  });

  it('refuses startup options that would change how the server reads SQL', async () => {
    const r = await psql(stack, 'shop', token, ['-c', 'select 1'], {});
    expect(r.code).toBe(0);
    const withOptions = await new Promise<string>((resolve) => {
      const c = brokerClient(stack, 'shop', token);
      (c as unknown as { connectionParameters: { options: string } }).connectionParameters.options =
        '-c standard_conforming_strings=off';
      c.connect()
        .then(() => resolve('connected'))
        .catch((e: Error) => resolve(e.message))
        .finally(() => void c.end().catch(() => undefined));
    });
    expect(withOptions).toContain('startup options (-c settings) are not allowed');
  });
});
