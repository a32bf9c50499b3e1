// The SSH front end with the real OpenSSH client against a real OpenSSH server: exec decided per
// command on its meaning, shells, subsystems and forwards as actions of their own, masking and the
// asciicast recording, approvals, and the broker's host key kept across restarts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  approverOf,
  readAuditStream,
  startPrivateSshd,
  startStack,
  type PrivateSshd,
  type Stack,
} from '@portcullis/testing';
import { runSsh, sshConnection } from './ssh-support';

describe('broker: SSH front end', () => {
  let sshd: PrivateSshd;
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    sshd = await startPrivateSshd();
    stack = await startStack({
      label: 'ssh',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      config: {
        broker: { ssh: { hostKeyPath: join(sshd.dir, 'broker_host_key') } },
        connections: [sshConnection('box', sshd)],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          {
            id: 'agent-tools',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['exec'],
            shell: { onlyPrograms: ['echo', 'printf', 'cat', 'touch', 'true', 'false', 'ls'] },
            masking: [{ detector: 'payment_card', strategy: 'redact' }],
          },
          {
            id: 'no-recursive-delete',
            effect: 'deny',
            reason: 'recursive deletes are never allowed',
            actions: ['exec'],
            shell: { programs: ['rm'], flags: ['r', 'f'] },
          },
          {
            id: 'mkdir-needs-approval',
            effect: 'approval',
            actions: ['exec'],
            shell: { onlyPrograms: ['mkdir'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 30 },
          },
          {
            id: 'cp-async',
            effect: 'approval',
            actions: ['exec'],
            shell: { onlyPrograms: ['cp'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'async', timeoutSeconds: 60 },
          },
        ],
      },
    });
    token = await stack.tokens.agent();
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await sshd?.stop();
  });

  const pendingFor = (command: string) => approverOf(stack).pending(command);

  it('runs an allowed command on the target with its output, stdin and exit status', async () => {
    const ok = await runSsh(stack, 'box', token, ["echo 'hello from' target"]);
    expect(ok.stdout).toBe('hello from target\n');
    expect(ok.code).toBe(0);
    const fromStdin = await runSsh(stack, 'box', token, ['cat'], { stdin: 'piped input\n' });
    expect(fromStdin.stdout).toBe('piped input\n');
    const failing = await runSsh(stack, 'box', token, ['ls /no/such/dir']);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('No such file or directory');
  }, 30000);

  it('refuses rm -rf and its disguises with the rule on stderr, and runs nothing of the command', async () => {
    const marker = join(sshd.dir, 'marker');
    for (const cmd of [
      `touch ${marker} && rm -rf /`,
      `touch ${marker}; sh -c 'rm -rf /'`,
      `touch ${marker}; 'r''m' -fr /`,
      `touch ${marker}; /bin/rm --recursive --force /`,
      `touch ${marker}; echo / | xargs rm -rf`,
    ]) {
      const r = await runSsh(stack, 'box', token, [cmd]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/portcullis: denied by no-recursive-delete: .*recursive deletes are never allowed/);
      expect(existsSync(marker)).toBe(false);
    }
  }, 60000);

  it('refuses an interactive shell, the sftp subsystem and port forwarding to an agent by default', async () => {
    const shell = await runSsh(stack, 'box', token, [], { options: ['-T'], stdin: 'echo should-not-run\n' });
    expect(shell.code).toBe(1);
    expect(shell.stderr).toContain('portcullis: denied by default-deny');
    expect(shell.stdout).not.toContain('should-not-run');

    const sftp = await runSsh(stack, 'box', token, ['sftp'], { options: ['-s'] });
    expect(sftp.code).toBe(1);
    expect(sftp.stderr).toContain('portcullis: denied by default-deny');

    // -W is a forward over a direct-tcpip channel, as each connection to an `ssh -L` port is.
    const forward = await runSsh(stack, 'box', token, [], { options: ['-W', `127.0.0.1:${sshd.port}`] });
    expect(forward.code).not.toBe(0);
    expect(forward.stderr).toMatch(/administratively prohibited|open failed/);
    const events = (await readAuditStream(stack)).map(
      (e) => JSON.parse(e) as { type: string; command?: string; decision?: string },
    );
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'command.decided', command: 'shell', decision: 'deny' }),
        expect.objectContaining({ type: 'command.decided', command: 'subsystem sftp', decision: 'deny' }),
        expect.objectContaining({ type: 'command.decided', command: `127.0.0.1:${sshd.port}`, decision: 'deny' }),
      ]),
    );
  }, 30000);

  it('holds a command until a human approves it, then runs it', async () => {
    const dir = join(sshd.dir, 'approved-dir');
    const command = `mkdir ${dir}`;
    const held = runSsh(stack, 'box', token, [command]);
    const approval = await pendingFor(command);
    expect(existsSync(dir)).toBe(false);
    await approverOf(stack).decide(approval.id, 'approve');
    const r = await held;
    expect(r.code).toBe(0);
    expect(existsSync(dir)).toBe(true);
  }, 30000);

  it('refuses an async-approval command at once with the approval id, and runs it once approved', async () => {
    const from = join(sshd.dir, 'authorized_keys');
    const to = join(sshd.dir, 'copied');
    const command = `cp ${from} ${to}`;
    const first = await runSsh(stack, 'box', token, [command]);
    expect(first.code).toBe(1);
    const id = /approval id ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
    expect(id).toBeDefined();
    expect(existsSync(to)).toBe(false);
    await approverOf(stack).decide(id!, 'approve');
    const again = await runSsh(stack, 'box', token, [command]);
    expect(again.code).toBe(0);
    expect(existsSync(to)).toBe(true);
  }, 30000);

  it('masks a card number the target prints, and records the session as asciicast v2, masked', async () => {
    const r = await runSsh(stack, 'box', token, ["printf 'card 4111 1111 1111 1111 ok\\n'"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('card ');
    expect(r.stdout).toContain(' ok');
    expect(r.stdout).not.toContain('4111 1111 1111 1111');

    const events = (await readAuditStream(stack)).map(
      (e) => JSON.parse(e) as { type: string; sessionId?: string; command?: string; outcome?: string; masked?: number },
    );
    const executed = events.find((e) => e.type === 'command.executed' && e.command?.startsWith("printf 'card"));
    expect(executed).toMatchObject({ outcome: 'ok', masked: 1 });
    const auditor = await stack.tokens.human('bob');
    let body = '';
    for (let i = 0; i < 50 && !body.includes('card '); i++) {
      const res = await fetch(
        `http://127.0.0.1:${stack.services.audit.httpPort}/v1/sessions/${executed!.sessionId}/recording?kind=terminal`,
        { headers: { authorization: `Bearer ${auditor}` } },
      );
      body = res.ok ? await res.text() : '';
      if (!body.includes('card ')) await new Promise((r) => setTimeout(r, 200));
    }
    const [header, ...lines] = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(header).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(lines).toEqual(expect.arrayContaining([[expect.any(Number), 'o', expect.stringContaining('card ')]]));
    expect(body).not.toContain('4111 1111 1111 1111');
  }, 30000);

  it('refuses wrong and forged tokens, and unknown connections, before anything reaches the target', async () => {
    const [head, payload] = token.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(342)}`;
    for (const bad of ['not-a-token', forged]) {
      const r = await runSsh(stack, 'box', bad, ['echo should-not-run']);
      expect(r.code).toBe(255);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('portcullis: token refused');
    }
    const unknown = await runSsh(stack, 'nowhere', token, ['echo x']);
    expect(unknown.stderr).toContain('portcullis: no SSH connection named "nowhere"');
  }, 30000);

  it('keeps its host key across restarts', async () => {
    const fingerprint = async () => {
      const r = await runSsh(stack, 'box', token, ['true'], { options: ['-v'] });
      return /Server host key: ssh-ed25519 (SHA256:\S+)/.exec(r.stderr)?.[1];
    };
    const before = await fingerprint();
    expect(before).toMatch(/^SHA256:/);
    await stack.start('broker');
    expect(await fingerprint()).toBe(before);
  }, 60000);

  it('offers ssh_exec over MCP, through the same listener: decided, masked, pending for approval', async () => {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${stack.services.broker.httpPort}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${await stack.tokens.agent()}` } },
      }),
    );
    const exec = async (command: string) => {
      const r = (await client.callTool({ name: 'ssh_exec', arguments: { connection: 'box', command } })) as {
        content: Array<{ text: string }>;
        isError?: boolean;
      };
      return { isError: r.isError === true, body: JSON.parse(r.content[0].text) as Record<string, unknown> };
    };
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('ssh_exec');
      const printed = await exec(`printf 'card 4111 1111 1111 1111'`);
      expect(printed).toMatchObject({ isError: false, body: { status: 'ok', exitCode: 0, stderr: '' } });
      expect(printed.body.stdout).toMatch(/^card \S/);
      expect(printed.body.stdout).not.toContain('4111 1111 1111 1111');
      expect((await exec('false')).body).toMatchObject({ status: 'ok', exitCode: 1 });
      const marker = join(sshd.dir, 'mcp-victim');
      const denied = await exec(`touch ${marker}; sh -c 'rm -rf ${marker}'`);
      expect(denied).toMatchObject({ isError: true, body: { status: 'refused', ruleIds: ['no-recursive-delete'] } });
      expect(existsSync(marker)).toBe(false);
      const pending = await exec(`cp ${marker} ${marker}.copy`);
      expect(pending).toMatchObject({ isError: false, body: { status: 'pending', approvalId: expect.any(String) } });
    } finally {
      await client.close();
    }
  });

  it('writes neither the target key nor the agent token into any log line or audit record', async () => {
    const key = readFileSync(sshd.clientKeyPath, 'utf8')
      .split('\n')
      .filter((l) => l.length > 40 && !l.startsWith('-----'));
    expect(key.length).toBeGreaterThan(0);
    const everywhere = [
      ...Object.values(stack.services).map((s) => s.output()),
      ...(await readAuditStream(stack)),
    ].join('\n');
    expect(everywhere).toContain('command.decided');
    for (const line of key) expect(everywhere).not.toContain(line);
    expect(everywhere).not.toContain(token.split('.')[2]);
  });
});
