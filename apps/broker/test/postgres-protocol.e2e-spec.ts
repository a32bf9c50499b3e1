// Protocol corners on the Postgres listener with raw messages: the fast-path function call is refused,
// and a COPY aborted by the client (CopyFail) ends the way PostgreSQL ends it.
import {
  encodeCopyFail,
  encodePasswordMessage,
  encodeQuery,
  encodeStartupMessage,
  encodeTerminate,
} from '@portcullis/pg-wire';
import { startStack, type Stack } from '@portcullis/testing';
import { backendMessages, createTargetDatabase, rawExchange, targetConnection } from './postgres-support';

// Each message after the previous answer has settled; the Terminate at the end closes the session.
const converse = (port: number, chunks: Buffer[]) => rawExchange(port, chunks, { gapMs: 400, waitMs: 10000 });
const messages = backendMessages;

function functionCall(oid: number): Buffer {
  // F: function oid, 0 argument formats, 0 arguments, result format text.
  const b = Buffer.alloc(1 + 4 + 4 + 2 + 2 + 2);
  b.write('F', 0, 'latin1');
  b.writeInt32BE(b.length - 1, 1);
  b.writeInt32BE(oid, 5);
  return b;
}

describe('broker: Postgres protocol corners', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let login: Buffer;

  beforeAll(async () => {
    target = await createTargetDatabase('pgproto');
    stack = await startStack({
      label: 'pgproto',
      services: ['identity', 'policy', 'audit', 'broker'],
      config: {
        connections: [targetConnection('lab', target, { insecure: true })],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
          {
            id: 'load-orders',
            effect: 'allow',
            actions: ['sql'],
            sql: { categories: ['copy'], copyDirection: 'from', onlyRelations: ['orders'] },
          },
        ],
      },
    });
    login = Buffer.concat([
      encodeStartupMessage({ user: 'agent', database: 'lab' }),
      encodePasswordMessage(await stack.tokens.agent()),
    ]);
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('refuses a fast-path function call (lo_import by OID) with 42501, and the session carries on', async () => {
    const reply = messages(
      await converse(stack.brokerPorts.postgres, [
        login,
        functionCall(764),
        encodeQuery('select 5'),
        encodeTerminate(),
      ]),
    );
    const afterLogin = reply.slice(reply.findIndex((m) => m.type === 'Z') + 1);
    expect(afterLogin[0].type).toBe('E');
    expect(afterLogin[0].text).toContain('42501');
    expect(afterLogin[0].text).toContain('fast-path function call protocol is not allowed');
    expect(afterLogin[1].type).toBe('Z');
    expect(afterLogin.some((m) => m.type === 'D' && m.text.includes('5'))).toBe(true);
  });

  it('passes a client CopyFail to the server, which aborts the COPY, and the session carries on', async () => {
    const reply = messages(
      await converse(stack.brokerPorts.postgres, [
        login,
        encodeQuery('copy orders (customer_id, total) from stdin'),
        encodeCopyFail('the agent changed its mind'),
        encodeQuery('select count(*) from orders'),
        encodeTerminate(),
      ]),
    );
    const afterLogin = reply.slice(reply.findIndex((m) => m.type === 'Z') + 1).map((m) => m.type);
    expect(afterLogin.slice(0, 3)).toEqual(['G', 'E', 'Z']);
    const error = reply.find((m) => m.type === 'E')!;
    expect(error.text).toContain('the agent changed its mind');
    expect(afterLogin.slice(3)).toEqual(['T', 'D', 'C', 'Z']);
  });
});
