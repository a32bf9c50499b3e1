// SSH sessions end when they must and fail closed: suspension cuts a running command, an expired token
// ends the session, a missing policy service or audit stream refuses commands, a target whose host key
// does not match the pinned one is never logged into, and malformed SSH input ends only its connection.
import { Socket, connect as netConnect } from 'node:net';
import { CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import fc from 'fast-check';
import { connect } from 'nats';
import { utils, type Client } from 'ssh2';
import {
  connectSsh,
  readAuditStream,
  sshExec,
  startPrivateSshd,
  startStack,
  testEnv,
  type PrivateSshd,
  type Stack,
} from '@portcullis/testing';
import { brokerSsh, runSsh, sshConnection } from './ssh-support';

const TOKEN_LIFETIME_S = 8;

describe('broker: SSH session lifecycle and hostile input', () => {
  let sshd: PrivateSshd;
  let stack: Stack;

  beforeAll(async () => {
    sshd = await startPrivateSshd();
    const otherKey = utils.parseKey(utils.generateKeyPairSync('ed25519').private);
    if (otherKey instanceof Error) throw otherKey;
    stack = await startStack({
      label: 'sshlife',
      services: ['identity', 'policy', 'audit', 'broker'],
      idpEnv: { DEV_IDP_TOKEN_LIFETIME: String(TOKEN_LIFETIME_S) },
      config: {
        connections: [
          sshConnection('box', sshd),
          sshConnection('box-by-fingerprint', sshd, sshd.fingerprint),
          sshConnection('impostor', sshd, `ssh-ed25519 ${otherKey.getPublicSSH().toString('base64')}`),
        ],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          {
            id: 'tools',
            effect: 'allow',
            actions: ['exec'],
            shell: { onlyPrograms: ['echo', 'sleep', 'true'] },
          },
        ],
      },
    });
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await sshd?.stop();
  });

  const suspend = async (method: 'POST' | 'DELETE', reason: string) => {
    const res = await fetch(
      `http://127.0.0.1:${stack.services.identity.httpPort}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`,
      {
        method,
        headers: { authorization: `Bearer ${await stack.tokens.human('carol')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason }),
      },
    );
    expect(res.status).toBe(200);
  };

  it('verifies the target by fingerprint too, and never logs into a target whose host key differs', async () => {
    const ok = await runSsh(stack, 'box-by-fingerprint', await stack.tokens.agent(), ['echo', 'pinned']);
    expect(ok.stdout).toBe('pinned\n');
    const before = sshd.output().split('Accepted publickey').length;
    const r = await runSsh(stack, 'impostor', await stack.tokens.agent(), ['echo', 'should-not-run']);
    expect(r.code).toBe(255);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('host key does not match the one configured for this connection');
    expect(sshd.output().split('Accepted publickey').length).toBe(before);
  }, 30000);

  it('cuts a running command when the identity is suspended, with the reason on stderr', async () => {
    let seenStart!: () => void;
    const started = new Promise<void>((r) => (seenStart = r));
    const running = runSsh(stack, 'box', await stack.tokens.agent(), ['echo started; sleep 30'], {
      onStdout: (text) => text.includes('started') && seenStart(),
    });
    await started;
    await suspend('POST', 'incident 7');
    try {
      const r = await running;
      expect(r.stderr).toContain('portcullis: the identity was suspended: incident 7');
      expect(r.code).not.toBe(0);
      const again = await runSsh(stack, 'box', await stack.tokens.agent(), ['echo', 'x']);
      expect(again.stderr).toContain('token refused (suspended)');
    } finally {
      await suspend('DELETE', 'resolved');
    }
    const events = (await readAuditStream(stack)).map((e) => JSON.parse(e) as { type: string; outcome?: string });
    expect(events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'session.ended', outcome: 'suspended' })]),
    );
  }, 40000);

  it('ends the session when its token expires', async () => {
    const client = await brokerSsh(stack, 'box', await stack.tokens.agent());
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    const r = await sshExec(client, `sleep ${TOKEN_LIFETIME_S + 20}`);
    expect(r.stderr).toContain('portcullis: the access token has expired');
    await closed;
  }, 40000);

  it('refuses commands while the policy service is down, and the same connection works when it is back', async () => {
    const client = await brokerSsh(stack, 'box', await stack.tokens.agent());
    try {
      await stack.services.policy.stop();
      const refused = await sshExec(client, 'echo while-down');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('portcullis: cannot decide');
      await stack.start('policy');
      expect((await sshExec(client, 'echo back')).stdout).toBe('back\n');
    } finally {
      client.end();
    }
  }, 60000);

  it('refuses commands when the audit stream cannot store their decision', async () => {
    const client = await brokerSsh(stack, 'box', await stack.tokens.agent());
    const nc = await connect({ servers: testEnv.natsUrl });
    try {
      await stack.services.audit.stop();
      await (await nc.jetstreamManager()).streams.delete(stack.auditStream);
      const refused = await sshExec(client, 'echo unaudited');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('audit trail is unavailable');
      await stack.start('audit');
      expect((await sshExec(client, 'echo audited')).stdout).toBe('audited\n');
    } finally {
      await nc.close();
      client.end();
    }
  }, 60000);

  describe('malformed input', () => {
    let bystander: Client;
    beforeAll(async () => {
      bystander = await brokerSsh(stack, 'box', await stack.tokens.agent());
    });
    afterAll(() => bystander?.end());

    /** Sends raw bytes; resolves with what came back once the broker closes (or after waitMs). */
    const raw = (chunks: Buffer[], waitMs = 3000) =>
      new Promise<{ reply: string; closedByBroker: boolean }>((resolve) => {
        const got: Buffer[] = [];
        const sock = netConnect(stack.brokerPorts.ssh, '127.0.0.1');
        const timer = setTimeout(() => finish(false), waitMs);
        const finish = (closedByBroker: boolean) => {
          clearTimeout(timer);
          sock.destroy();
          resolve({ reply: Buffer.concat(got).toString('latin1'), closedByBroker });
        };
        sock.on('data', (d) => got.push(d));
        sock.on('close', () => finish(true));
        sock.on('error', () => finish(true));
        sock.on('connect', () => chunks.forEach((c) => sock.write(c)));
      });
    const packet = (length: number, body: Buffer) => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(length >>> 0);
      return Buffer.concat([head, body]);
    };
    const banner = Buffer.from('SSH-2.0-fuzzer\r\n');

    it.each([
      ['garbage instead of a banner', [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(9000, 0x41)]],
      ['an oversized packet length', [banner, packet(0xfffffff0, Buffer.alloc(64, 1))]],
      ['a zero-length packet', [banner, packet(0, Buffer.alloc(0))]],
      ['a padding longer than the packet', [banner, packet(12, Buffer.from([250, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))]],
    ])('%s ends that connection only', async (_name, chunks) => {
      const r = await raw(chunks as Buffer[]);
      expect(r.closedByBroker).toBe(true);
      expect(stack.services.broker.alive()).toBe(true);
      expect((await sshExec(bystander, 'echo still-here')).stdout).toBe('still-here\n');
    });

    it('a truncated packet followed by a hang-up ends that connection only', async () => {
      await raw([banner, packet(1000, Buffer.alloc(10, 7))], 500);
      expect(stack.services.broker.alive()).toBe(true);
      expect((await sshExec(bystander, 'echo still-here')).stdout).toBe('still-here\n');
    });

    it('garbage after the key exchange (undecryptable packets) ends that connection only', async () => {
      const sock = new Socket();
      await new Promise<void>((r) => sock.connect(stack.brokerPorts.ssh, '127.0.0.1', () => r()));
      const client = await connectSsh({ sock, username: 'box', password: await stack.tokens.agent() });
      const closed = new Promise<void>((r) => client.once('close', () => r()));
      client.on('error', () => undefined);
      sock.write(Buffer.alloc(4096, 0x5a));
      await closed;
      expect(stack.services.broker.alive()).toBe(true);
      expect((await sshExec(bystander, 'echo still-here')).stdout).toBe('still-here\n');
    });

    it('random bytes after a valid banner never take the broker down', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (bytes) => {
          await raw([banner, Buffer.from(bytes)], 300);
        }),
        { numRuns: 30 },
      );
      expect(stack.services.broker.alive()).toBe(true);
      expect((await sshExec(bystander, 'echo still-here')).stdout).toBe('still-here\n');
    }, 30000);
  });
});
