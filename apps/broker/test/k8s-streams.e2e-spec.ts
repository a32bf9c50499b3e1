// Kubernetes streams through the broker: exec held for approval, the line guard on an interactive exec,
// port-forward carried as its own decision, suspension cutting a running exec, failing closed without
// policy, and hostile input that ends only its own connection.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import { approverOf, startStack, type Stack } from '@portcullis/testing';
import WebSocket from 'ws';
import { startK8sStandin, type K8sStandin } from './support/k8s-standin/k8s-standin';
import { brokerRequest, kubectlFor, storedEvents, type Kubectl } from './support/kubectl';

describe('broker: Kubernetes streams', () => {
  let stack: Stack;
  let cluster: K8sStandin;
  let kubectl: Kubectl;

  beforeAll(async () => {
    cluster = await startK8sStandin({ token: 'standin-sa' });
    stack = await startStack({
      label: 'k8sstreams',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      config: {
        connections: [
          {
            name: 'lab',
            type: 'k8s',
            target: { server: cluster.url, caCert: cluster.caCert },
            credentials: { token: 'standin-sa' },
          },
        ],
        policies: [
          { id: 'read', effect: 'allow', actions: ['k8s'], k8s: { verbs: ['get', 'list', 'watch'] } },
          {
            id: 'exec',
            effect: 'allow',
            actions: ['k8s'],
            k8s: { subresources: ['exec'], execLike: true },
            shell: { onlyPrograms: ['sh', 'echo', 'sleep', 'cat'] },
          },
          {
            // An interactive shell runs code the classifier cannot see: it has to be allowed in so many words.
            id: 'interactive-shell',
            effect: 'allow',
            actions: ['k8s'],
            k8s: { subresources: ['exec'], execLike: true },
            shell: { onlyPrograms: ['sh'], dynamic: true },
          },
          {
            id: 'date-needs-approval',
            effect: 'approval',
            actions: ['k8s'],
            k8s: { subresources: ['exec'], execLike: true },
            shell: { onlyPrograms: ['date'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 30 },
          },
          { id: 'forward', effect: 'allow', actions: ['k8s'], k8s: { subresources: ['portforward'], execLike: true } },
          {
            id: 'no-rm-rf',
            effect: 'deny',
            reason: 'recursive deletes are never allowed',
            actions: ['k8s', 'exec'],
            shell: { programs: ['rm'], flags: ['r', 'f'] },
          },
        ],
      },
    });
    kubectl = kubectlFor(stack.brokerPorts.k8s, 'lab', () => stack.tokens.agent());
  }, 90000);

  afterAll(async () => {
    kubectl?.cleanup();
    await stack?.stop();
    await cluster?.stop();
  });

  /** An exec WebSocket opened the way kubectl opens it, for what kubectl cannot type. */
  const execSocket = async (query: string, protocol = 'v5.channel.k8s.io', sub = 'exec') => {
    const ws = new WebSocket(
      `wss://127.0.0.1:${stack.brokerPorts.k8s}/k8s/lab/api/v1/namespaces/default/pods/web/${sub}?${query}`,
      [protocol],
      { headers: { authorization: `Bearer ${await stack.tokens.agent()}` }, rejectUnauthorized: false },
    );
    const frames: Buffer[] = [];
    ws.on('message', (d: Buffer) => frames.push(d));
    ws.on('error', () => undefined);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const text = (channel: number) =>
      frames
        .filter((f) => f[0] === channel)
        .map((f) => f.subarray(1).toString())
        .join('');
    const until = async (channel: number, fragment: string) => {
      for (let i = 0; i < 100 && !text(channel).includes(fragment); i++) await new Promise((r) => setTimeout(r, 50));
      return text(channel);
    };
    return { ws, text, until, closed };
  };

  it('holds an exec until an approver approves it, then runs it', async () => {
    const run = kubectl.run(['exec', 'web', '--', 'date', '+%Y']);
    const approver = approverOf(stack);
    const approval = await approver.pending((c) => c.includes('command=date'));
    await approver.decide(approval.id, 'approve');
    expect(await run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d{4}\n$/) });
  });

  it('refuses a held exec the approver denies, naming the approval, and runs nothing', async () => {
    const before = cluster.execs.length;
    const run = kubectl.run(['exec', 'web', '--', 'date', '+%m']);
    const approver = approverOf(stack);
    const approval = await approver.pending((c) => c.includes('command=%2B%25m'));
    await approver.decide(approval.id, 'deny');
    const r = await run;
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`approval ${approval.id} was denied`);
    expect(cluster.execs.length).toBe(before);
  });

  it('screens each line typed into an interactive exec and blocks a denied one', async () => {
    writeFileSync(join(cluster.sandbox, 'victim'), 'keep me');
    const s = await execSocket('command=sh&stdin=true&stdout=true&tty=true');
    s.ws.send(Buffer.from('\x00echo safe\n'));
    expect(await s.until(1, 'safe')).toContain('safe');
    s.ws.send(Buffer.from('\x00rm -rf victim\n'));
    expect(await s.until(1, 'no-rm-rf')).toMatch(/portcullis: denied by no-rm-rf/);
    s.ws.close();
    await s.closed;
    expect(existsSync(join(cluster.sandbox, 'victim'))).toBe(true);
  });

  it('carries an allowed port-forward WebSocket as it is', async () => {
    const s = await execSocket('ports=8080', 'portforward.k8s.io', 'portforward');
    s.ws.send(Buffer.from('\x00hello'));
    expect(await s.until(0, 'hello')).toBe('hello');
    s.ws.close();
  });

  it('relays an allowed port-forward over SPDY byte for byte after the decision', async () => {
    const agent = await stack.tokens.agent();
    const got = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: stack.brokerPorts.k8s, rejectUnauthorized: false }, () =>
        s.write(
          `POST /k8s/lab/api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            `Authorization: Bearer ${agent}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
            `X-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n`,
        ),
      );
      let text = '';
      s.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n') && !text.includes('ping')) s.write('ping');
        if (text.includes('ping') || text.startsWith('HTTP/1.1 4')) s.end();
      });
      s.on('close', () => resolve(text));
      s.on('error', reject);
    });
    expect(got).toMatch(/^HTTP\/1.1 101/);
    expect(got.endsWith('ping')).toBe(true);
  });

  it('survives garbage, oversized heads and broken frames, ending only the connection that sent them', async () => {
    const port = stack.brokerPorts.k8s;
    const raw = (bytes: string | Buffer) =>
      new Promise<string>((resolve) => {
        const sock = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => sock.write(bytes));
        let got = '';
        sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
        sock.on('error', () => undefined);
        sock.on('close', () => resolve(got));
        setTimeout(() => sock.destroy(), 3000).unref();
      });
    const bystander = await execSocket('command=cat&stdin=true&stdout=true');
    expect(await raw('\x16\x03garbage\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(await raw(`GET /k8s/lab/api HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`)).toMatch(
      /^HTTP\/1.1 431/,
    );
    const token = await stack.tokens.agent();
    const noKey = await raw(
      `GET /k8s/lab/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: Bearer ${token}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(noKey).toMatch(/^HTTP\/1.1 400/);

    const victim = await execSocket('command=cat&stdin=true&stdout=true');
    (victim.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(Buffer.from([0x8f, 0xff, 1, 2, 3]));
    expect(await victim.closed).not.toBe(1000);
    const empty = await execSocket('command=cat&stdin=true&stdout=true');
    empty.ws.send(Buffer.alloc(0));
    expect(await empty.until(3, 'malformed')).toContain('portcullis: malformed stream frame');

    bystander.ws.send(Buffer.from('\x00still here\n'));
    expect(await bystander.until(1, 'still here')).toBe('still here\n');
    bystander.ws.close();
    expect((await kubectl.run(['get', 'pods'])).stdout).toMatch(/^web\s/m);
  });

  it('fails closed while policy is down, and works again when it is back', async () => {
    await stack.kill('policy');
    try {
      const r = await kubectl.run(['get', 'pods', '--request-timeout=20s']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('cannot decide');
      const res = await brokerRequest(stack.brokerPorts.k8s, '/k8s/lab/api/v1/namespaces/default/pods', {
        headers: { authorization: `Bearer ${await stack.tokens.agent()}` },
      });
      expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
    } finally {
      await stack.start('policy');
    }
    expect((await kubectl.run(['get', 'pods'])).code).toBe(0);
  }, 60000);

  it('cuts a running kubectl exec when the principal is suspended', async () => {
    const identity = `http://127.0.0.1:${stack.services.identity.httpPort}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`;
    const carol = await stack.tokens.human('carol');
    const child = kubectl.start(['exec', 'web', '--', 'sleep', '30'], await stack.tokens.agent());
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      for (let i = 0; i < 100 && !cluster.execs.some((a) => a[0] === 'sleep'); i++)
        await new Promise((r) => setTimeout(r, 50));
      const res = await fetch(identity, {
        method: 'POST',
        headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'incident 8' }),
      });
      expect(res.status).toBe(200);
      expect(await exited).not.toBe(0);
      expect(stderr).toContain('the identity was suspended: incident 8');
      const ended = await storedEvents(
        stack.services.audit.httpPort,
        await stack.tokens.human('bob'),
        { type: 'session.ended', connection: 'lab' },
        (e) => e.some((x) => x.outcome === 'suspended'),
      );
      expect(ended.some((x) => x.outcome === 'suspended')).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await fetch(identity, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'resolved' }),
      });
    }
  });
});
