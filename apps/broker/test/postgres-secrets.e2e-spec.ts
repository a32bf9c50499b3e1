// The downstream password lives only in the broker: a session that authenticates to the database with
// SCRAM, succeeds, is refused, fails and ends leaves the password (and the agent's token) in no log line,
// NATS message, audit event or error text.
import { connect, type NatsConnection } from 'nats';
import { freePort, readAuditStream, startStack, testEnv, type Stack } from '@portcullis/testing';
import { brokerClient, psql } from './postgres-support';
import { startScramCluster } from './scram-upstream';

const PASSWORD = `Sup3r-Secret-${Math.random().toString(36).slice(2)}`;

describe('broker: credentials stay in the broker', () => {
  let stack: Stack;
  let cluster: { stop(): void };
  let nc: NatsConnection;
  const messages: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    cluster = startScramCluster(port, PASSWORD);
    stack = await startStack({
      label: 'secrets',
      services: ['identity', 'policy', 'audit', 'broker'],
      env: { TEST_UPSTREAM_PASSWORD: PASSWORD },
      config: {
        connections: [
          {
            name: 'vault',
            type: 'postgres',
            target: { host: '127.0.0.1', port, database: 'postgres', tls: 'disable' },
            credentials: { username: 'postgres', password: { env: 'TEST_UPSTREAM_PASSWORD' } },
          },
          {
            name: 'wrong-password',
            type: 'postgres',
            target: { host: '127.0.0.1', port, database: 'postgres', tls: 'disable' },
            credentials: { username: 'postgres', password: { env: 'PORTCULLIS_NATS_NAMESPACE' } },
          },
        ],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
        ],
      },
    });
    nc = await connect({ servers: testEnv.natsUrl });
    nc.subscribe(`${stack.namespace}.>`, {
      callback: (_e, m) => messages.push(Buffer.from(m.data).toString('latin1')),
    });
    await nc.flush();
  }, 90000);

  afterAll(async () => {
    await nc?.close();
    await stack?.stop();
    cluster?.stop();
  });

  it('authenticates to the database with SCRAM and leaks the password nowhere', async () => {
    const token = await stack.tokens.agent();
    const c = brokerClient(stack, 'vault', token);
    await c.connect();
    expect((await c.query('select current_user as u')).rows[0].u).toBe('postgres');
    await expect(c.query('drop table x')).rejects.toMatchObject({ code: '42501' });
    await expect(c.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
    await c.end();
    const failed = await psql(stack, 'wrong-password', token, ['-c', 'select 1']);
    expect(failed.stderr).toContain('cannot open a session on "wrong-password"');
    const badToken = await psql(stack, 'vault', `${token}x`, ['-c', 'select 1']);
    expect(badToken.stderr).toContain('token refused');
    await new Promise((r) => setTimeout(r, 1500));

    const stored = await readAuditStream(stack);
    expect(stored.some((e) => e.includes('"command.decided"'))).toBe(true);

    const everywhere = [
      ...Object.values(stack.services).map((s) => s.output()),
      ...messages,
      ...stored,
      failed.stderr,
      badToken.stderr,
    ].join('\n');
    expect(everywhere).not.toContain(PASSWORD);
    // The token travels to the identity service to be verified, and nowhere else: not in logs, not in
    // the audit trail, not in any other message.
    const signature = token.split('.')[2];
    const logsAndRecords = [
      ...Object.values(stack.services).map((s) => s.output()),
      ...stored,
      failed.stderr,
      badToken.stderr,
    ].join('\n');
    expect(logsAndRecords).not.toContain(signature);
    const carrying = messages.filter((m) => m.includes(signature));
    expect(carrying.length).toBeGreaterThan(0);
    expect(carrying.every((m) => m.includes('"pattern":"') && m.includes('identity.v1.verify'))).toBe(true);
  }, 60000);
});
