// Malformed and re-chunked input on the Postgres listener: every bad frame ends only its own session,
// with the broker process and other sessions untouched. Uses a connection marked insecure so raw bytes
// can be fed without TLS; the parsing after TLS is the same code.
import {
  encodeBind,
  encodeExecute,
  encodeParse,
  encodePasswordMessage,
  encodeQuery,
  encodeSSLRequest,
  encodeStartupMessage,
  encodeSync,
  encodeTerminate,
} from '@portcullis/pg-wire';
import fc from 'fast-check';
import { startStack, type Stack } from '@portcullis/testing';
import { backendMessages, brokerClient, createTargetDatabase, rawExchange, targetConnection } from './postgres-support';

const exchange = (port: number, chunks: Buffer[], waitMs = 1500) => rawExchange(port, chunks, { waitMs });
const types = (reply: Buffer) =>
  backendMessages(reply)
    .map((m) => m.type)
    .join('');

describe('broker: hostile and fragmented Postgres input', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;
  let token: string;
  let login: Buffer;
  const work = Buffer.concat([
    encodeQuery('select 1'),
    encodeParse('', 'select $1::int', []),
    encodeBind({ portal: '', statement: '', paramFormats: [], params: [Buffer.from('7')], resultFormats: [] }),
    encodeExecute('', 0),
    encodeSync(),
    encodeTerminate(),
  ]);

  beforeAll(async () => {
    target = await createTargetDatabase('pgfuzz');
    stack = await startStack({
      label: 'pgfuzz',
      services: ['identity', 'policy', 'audit', 'broker'],
      config: {
        connections: [targetConnection('lab', target, { insecure: true })],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
        ],
      },
    });
    token = await stack.tokens.agent();
    login = Buffer.concat([encodeStartupMessage({ user: 'agent', database: 'lab' }), encodePasswordMessage(token)]);
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  const healthy = async () => {
    expect(stack.services.broker.child.exitCode).toBeNull();
    const c = brokerClient(stack, 'lab', token);
    await c.connect();
    expect((await c.query('select 42 as n')).rows[0].n).toBe(42);
    await c.end();
  };

  it('answers a whole session the same however its bytes are split', async () => {
    const whole = await exchange(stack.brokerPorts.postgres, [login, work]);
    const expected = types(whole);
    expect(expected).toMatch(/R.*K.*Z.*T.*D.*C.*Z.*1.*2.*D.*C.*Z$/);
    // Every split point inside the statements, then random chunkings of the whole stream with the login.
    for (let cut = 1; cut < work.length; cut += 3) {
      expect(
        types(await exchange(stack.brokerPorts.postgres, [login, work.subarray(0, cut), work.subarray(cut)])),
      ).toBe(expected);
    }
    const all = Buffer.concat([login, work]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: all.length - 1 }), { minLength: 1, maxLength: 12 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks = [0, ...points].map((p, i) => all.subarray(p, points[i] ?? all.length));
          expect(types(await exchange(stack.brokerPorts.postgres, chunks))).toBe(expected);
        },
      ),
      { numRuns: 15 },
    );
  }, 120000);

  it('survives mutated frames, ending only the sessions that sent them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: work.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        async (pos, byte, truncate) => {
          const bad = Buffer.from(work);
          bad[pos] = byte;
          await exchange(stack.brokerPorts.postgres, [login, truncate ? bad.subarray(0, pos + 1) : bad], 400);
        },
      ),
      { numRuns: 60 },
    );
    await healthy();
  }, 120000);

  it('refuses hostile startup input with a protocol error and carries on', async () => {
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(0x7fffffff, 0);
    huge.writeInt32BE(196608, 4);
    for (const input of [
      huge,
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0, 0, 0, 3]),
      Buffer.concat([encodeSSLRequest(), encodeStartupMessage({ user: 'a', database: 'lab' })]),
      Buffer.concat([
        encodeStartupMessage({ user: 'agent', database: 'lab' }),
        Buffer.from([0x70, 0xff, 0xff, 0xff, 0xff]),
      ]),
    ]) {
      const reply = await exchange(stack.brokerPorts.postgres, [input], 800);
      if (reply.length > 0) expect(String.fromCharCode(reply[0])).toMatch(/[ER]/);
    }
    const pipelined = await exchange(
      stack.brokerPorts.postgres,
      [Buffer.concat([encodeSSLRequest(), encodeStartupMessage({ user: 'a', database: 'lab' })])],
      800,
    );
    expect(pipelined.toString('latin1')).toContain('data received before the TLS handshake');
    await healthy();
  }, 60000);

  it('keeps other sessions running while garbage arrives', async () => {
    const c = brokerClient(stack, 'lab', token);
    await c.connect();
    try {
      const noise = Array.from({ length: 40 }, (_, i) =>
        exchange(
          stack.brokerPorts.postgres,
          [Buffer.from(Array.from({ length: 64 }, (_, j) => (i * 31 + j * 7) % 256))],
          300,
        ),
      );
      for (let i = 0; i < 20; i++) expect((await c.query('select $1::int as n', [i])).rows[0].n).toBe(i);
      await Promise.all(noise);
    } finally {
      await c.end();
    }
  }, 60000);
});
