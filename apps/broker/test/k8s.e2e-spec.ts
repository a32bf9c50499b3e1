// The Kubernetes front end with the real kubectl against a Kubernetes API stand-in: reads, logs, apply,
// delete and exec pass through with the broker's own credential; exec is decided on its argv, masked and
// recorded; refusals are Kubernetes Status errors kubectl prints.
import { writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readAuditStream, startStack, type Stack } from '@portcullis/testing';
import { startK8sStandin, type K8sStandin } from './support/k8s-standin/k8s-standin';
import { brokerRequest, kubectlFor, storedEvents, type Kubectl, type StoredEvent } from './support/kubectl';

const CARD = '4111 1111 1111 1111';

describe('broker: Kubernetes API front end', () => {
  let stack: Stack;
  let cluster: K8sStandin;
  let kubectl: Kubectl;
  const agentTokens: string[] = [];

  beforeAll(async () => {
    cluster = await startK8sStandin({ token: 'standin-service-account-token' });
    cluster.logLines.push(`charged card ${CARD}`);
    stack = await startStack({
      label: 'k8s',
      services: ['identity', 'policy', 'audit', 'broker'],
      env: { TEST_SA_TOKEN: 'standin-service-account-token' },
      config: {
        connections: [
          {
            name: 'lab',
            type: 'k8s',
            target: { server: cluster.url, caCert: cluster.caCert },
            credentials: { token: { env: 'TEST_SA_TOKEN' } },
          },
        ],
        policies: [
          { id: 'connect', effect: 'allow', principals: { kinds: ['agent'] }, actions: ['connect'] },
          {
            id: 'k8s-read',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['k8s'],
            k8s: { verbs: ['get', 'list', 'watch'] },
            masking: [{ detector: 'payment_card', strategy: 'redact' }],
          },
          {
            id: 'k8s-config',
            effect: 'allow',
            actions: ['k8s'],
            k8s: { verbs: ['create', 'patch', 'update', 'delete'], resources: ['configmaps'] },
          },
          { id: 'k8s-delete-pods', effect: 'allow', actions: ['k8s'], k8s: { verbs: ['delete'], resources: ['pods'] } },
          {
            id: 'k8s-exec',
            effect: 'allow',
            actions: ['k8s'],
            k8s: { subresources: ['exec'], execLike: true },
            shell: { onlyPrograms: ['sh', 'echo', 'tr', 'cat', 'printf', 'exit'] },
            masking: [{ detector: 'payment_card', strategy: 'redact' }],
          },
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
    kubectl = kubectlFor(stack.brokerPorts.k8s, 'lab', async () => {
      const t = await stack.tokens.agent();
      agentTokens.push(t);
      return t;
    });
  }, 90000);

  afterAll(async () => {
    kubectl?.cleanup();
    await stack?.stop();
    await cluster?.stop();
  });

  it('serves get, describe and logs through the broker with its own credential, masking what comes back', async () => {
    const pods = await kubectl.run(['get', 'pods']);
    expect(pods).toMatchObject({ code: 0, stdout: expect.stringMatching(/^web\s/m) });
    const described = await kubectl.run(['describe', 'pod', 'web']);
    expect(described.stdout).toMatch(/Status:\s+Running/);
    const logs = await kubectl.run(['logs', 'web']);
    expect(logs.stdout).toContain('serving on :8080');
    expect(logs.stdout).toContain('charged card');
    expect(logs.stdout).not.toContain(CARD);
    const followed = await kubectl.run(['logs', '-f', 'web']);
    expect(followed.stdout.trim().split('\n')).toHaveLength(3);
    expect(followed.stdout).not.toContain(CARD);

    expect(new Set(cluster.authorizations)).toEqual(new Set(['Bearer standin-service-account-token']));
    for (const t of agentTokens) expect(JSON.stringify(cluster.authorizations)).not.toContain(t.split('.')[2]);
  });

  it('applies and deletes a config map', async () => {
    const manifest = (v: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  level: "${v}"\n`;
    const file = `${kubectl.dir}/cm.yaml`;
    writeFileSync(file, manifest('1'));
    expect(await kubectl.run(['apply', '-f', file])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('created'),
    });
    writeFileSync(file, manifest('2'));
    expect(await kubectl.run(['apply', '-f', file])).toMatchObject({ stdout: expect.stringContaining('configured') });
    expect((await kubectl.run(['get', 'cm', 'settings', '-o', 'jsonpath={.data.level}'])).stdout).toBe('2');
    expect(await kubectl.run(['delete', 'cm', 'settings'])).toMatchObject({ code: 0 });
    expect((await kubectl.run(['get', 'cm', 'settings'])).stderr).toContain('NotFound');
  });

  it('runs an allowed exec over WebSocket, shell pipes included, with the exit code passed back', async () => {
    const r = await kubectl.run(['exec', 'web', '--', 'sh', '-c', 'echo hello | tr a-z A-Z; echo oops >&2']);
    expect(r).toMatchObject({ code: 0, stdout: 'HELLO\n', stderr: 'oops\n' });
    expect(await kubectl.run(['exec', 'web', '--', 'sh', '-c', 'exit 3'])).toMatchObject({ code: 3 });
    expect(cluster.execs).toContainEqual(['sh', '-c', 'echo hello | tr a-z A-Z; echo oops >&2']);
  });

  it('masks exec output and stores the masked recording as asciicast v2', async () => {
    const r = await kubectl.run(['exec', 'web', '--', 'printf', `card ${CARD}\\n`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^card \S/);
    expect(r.stdout).not.toContain(CARD);

    const auditor = await stack.tokens.human('bob');
    const audit = stack.services.audit.httpPort;
    const isPrintf = (e: StoredEvent) => e.detail?.command?.[0] === 'printf';
    const opened = await storedEvents(audit, auditor, { type: 'session.started', connection: 'lab' }, (e) =>
      e.some(isPrintf),
    );
    const started = opened.find(isPrintf);
    expect(started).toMatchObject({ channel: 'k8s', detail: { command: ['printf', `card ${CARD}\\n`] } });
    const sessionId = started!.sessionId as string;
    const rest = await storedEvents(audit, auditor, { sessionId }, (e) => e.some((x) => x.type === 'session.ended'));
    expect(rest.find((e) => e.type === 'command.executed')).toMatchObject({
      outcome: 'ok',
      command: expect.stringContaining('/pods/web/exec?command=printf'),
    });
    const res = await fetch(`http://127.0.0.1:${audit}/v1/sessions/${sessionId}/recording`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const [header, ...lines] = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(header).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(lines).toContainEqual([expect.any(Number), 'o', expect.stringContaining('card [REDACTED')]);
    expect(text).not.toContain(CARD);
  });

  it('refuses an exec a deny rule matches, naming the rule, and runs nothing', async () => {
    const before = cluster.execs.length;
    const r = await kubectl.run(['exec', 'web', '--', 'sh', '-c', 'echo bye; rm -rf /tmp/x']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/denied by no-rm-rf: .*recursive deletes are never allowed/);
    const other = await kubectl.run(['exec', 'web', '--', 'ls']);
    expect(other.stderr).toContain('denied by default-deny');
    expect(cluster.execs.length).toBe(before);
  });

  it('refuses port-forward unless a rule allows it, as its own decision', async () => {
    const r = await kubectl.run(['port-forward', 'pod/web', '0:8080'], { timeoutMs: 20000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('default-deny');
    expect(cluster.requests.some((l) => l.includes('/portforward'))).toBe(false);
  });

  it('answers 401 Status to a missing, forged or wrong-audience token, and kubectl says so', async () => {
    expect((await kubectl.run(['get', 'pods'], { token: 'garbage' })).stderr).toContain(
      'You must be logged in to the server (portcullis: token refused',
    );
    const missing = await brokerRequest(stack.brokerPorts.k8s, '/k8s/lab/api');
    expect(missing).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    const agent = await stack.tokens.agent();
    const [h, p] = agent.split('.');
    const forged = `${h}.${p}.${Buffer.from('not-the-signature').toString('base64url')}`;
    for (const token of [forged, 'garbage']) {
      const res = await brokerRequest(stack.brokerPorts.k8s, '/k8s/lab/api/v1/namespaces/default/pods', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    const unknown = await brokerRequest(stack.brokerPorts.k8s, '/k8s/nowhere/api', {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('strips impersonation headers and forwards the normalised path it decided on', async () => {
    const agent = await stack.tokens.agent();
    const before = cluster.requests.length;
    const res = await brokerRequest(stack.brokerPorts.k8s, '/k8s/lab/api/v1/namespaces/default/pods/x/../web', {
      headers: { authorization: `Bearer ${agent}`, 'impersonate-user': 'system:admin', cookie: 'a=b' },
    });
    expect(res.status).toBe(200);
    expect(cluster.requests.slice(before)).toEqual(['GET /api/v1/namespaces/default/pods/web']);
    const encoded = await brokerRequest(stack.brokerPorts.k8s, '/k8s/lab/api/v1/namespaces/default%2Fpods', {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(encoded.status).toBe(400);
  });

  it('refuses exec over SPDY before deciding, since its output could not be masked or recorded', async () => {
    const agent = await stack.tokens.agent();
    const execs = cluster.execs.length;
    const answer = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: stack.brokerPorts.k8s, rejectUnauthorized: false }, () => {
        s.write(
          `POST /k8s/lab/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true HTTP/1.1\r\n` +
            `Host: 127.0.0.1\r\nAuthorization: Bearer ${agent}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
            `X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n`,
        );
      });
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString('latin1')));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(answer).toContain('need a WebSocket stream');
    expect(cluster.execs.length).toBe(execs);
    const forced = await kubectl.run(['exec', 'web', '--', 'printf', `card ${CARD}`], {
      env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' },
    });
    expect(forced.code).not.toBe(0);
    expect(forced.stdout).not.toContain(CARD);
    expect(forced.stderr).toContain('need a WebSocket stream');
  });

  it('offers k8s_request and kubectl_exec over MCP, through the same listener, decisions and masking', async () => {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${stack.services.broker.httpPort}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${await stack.tokens.agent()}` } },
      }),
    );
    const call = async (name: string, args: Record<string, unknown>) => {
      const r = (await client.callTool({ name, arguments: args })) as {
        content: Array<{ text: string }>;
        isError?: boolean;
      };
      return { isError: r.isError === true, body: JSON.parse(r.content[0].text) as Record<string, unknown> };
    };
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['k8s_request', 'kubectl_exec']));
      const pods = await call('k8s_request', { connection: 'lab', path: '/api/v1/namespaces/default/pods' });
      expect(pods).toMatchObject({ isError: false, body: { status: 'ok', httpStatus: 200 } });
      expect(pods.body.body).toContain('"web"');
      const created = await call('k8s_request', {
        connection: 'lab',
        method: 'POST',
        path: '/api/v1/namespaces/default/pods',
        body: '{"metadata":{"name":"x"}}',
      });
      expect(created).toMatchObject({ isError: true, body: { status: 'refused', ruleIds: ['default-deny'] } });

      const execs = cluster.execs.length;
      const printed = await call('kubectl_exec', {
        connection: 'lab',
        pod: 'web',
        command: ['printf', `card ${CARD}`],
      });
      expect(printed).toMatchObject({ isError: false, body: { status: 'ok', exitCode: 0, stderr: '' } });
      expect(printed.body.stdout).toMatch(/^card \S/);
      expect(printed.body.stdout).not.toContain(CARD);
      const failed = await call('kubectl_exec', { connection: 'lab', pod: 'web', command: ['sh', '-c', 'exit 3'] });
      expect(failed.body).toMatchObject({ status: 'ok', exitCode: 3 });
      const denied = await call('kubectl_exec', { connection: 'lab', pod: 'web', command: ['sh', '-c', 'rm -fr /'] });
      expect(denied).toMatchObject({ isError: true, body: { status: 'refused', ruleIds: ['no-rm-rf'] } });
      expect(cluster.execs.slice(execs)).toEqual([
        ['printf', `card ${CARD}`],
        ['sh', '-c', 'exit 3'],
      ]);
    } finally {
      await client.close();
    }
  });

  it('writes neither the cluster credential nor an agent token into any log line or audit record', async () => {
    expect(agentTokens.length).toBeGreaterThan(0);
    const everywhere = [
      ...Object.values(stack.services).map((s) => s.output()),
      ...(await readAuditStream(stack)),
    ].join('\n');
    expect(everywhere).toContain('command.decided');
    expect(everywhere).not.toContain('standin-service-account-token');
    for (const t of agentTokens) expect(everywhere).not.toContain(t.split('.')[2]);
  });
});
