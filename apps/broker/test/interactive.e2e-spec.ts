// Interactive and long-lived sessions through the broker with the real clients, on one shared stack: an SSH
// shell with a pty and its line guard, sftp and `-L` forwarding allowed by rule, a held exec the approver
// denies; `kubectl exec -i` with a shell reading a script (each line screened), an exec cut when its token
// expires, and an async approval whose id kubectl prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Server } from 'node:net';
import { join } from 'node:path';
import {
  approverOf,
  askpassEnv,
  freePort,
  readAuditStream,
  startPrivateSshd,
  startStack,
  type PrivateSshd,
  type Stack,
} from '@portcullis/testing';
import { runSsh, spawnSsh, sshConnection } from './ssh-support';
import { startK8sStandin, type K8sStandin } from './support/k8s-standin/k8s-standin';
import { kubectlFor, type Kubectl } from './support/kubectl';

/** Short enough to watch a token expire; every other test fetches its token just before it needs it. */
const TOKEN_LIFETIME_S = 12;

/** The real OpenSSH client through the broker, left running for the test to type into. */
function startSsh(stack: Stack, token: string, options: string[], args: string[] = []) {
  const child = spawnSsh(stack, 'box', token, args, options);
  return watch(child);
}

/** A child's output as it arrives, waits for what it should print, and its end. */
function watch(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  const until = async (what: () => boolean, label: string, timeoutMs = 15000) => {
    for (const end = Date.now() + timeoutMs; !what(); await new Promise((r) => setTimeout(r, 50)))
      if (Date.now() > end) throw new Error(`waited for ${label}; stdout: ${stdout}\nstderr: ${stderr}`);
  };
  return {
    child,
    closed,
    until,
    out: () => stdout,
    err: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return closed;
    },
  };
}

describe('broker: interactive sessions with the real clients', () => {
  let sshd: PrivateSshd;
  let cluster: K8sStandin;
  let stack: Stack;
  let kubectl: Kubectl;

  beforeAll(async () => {
    sshd = await startPrivateSshd();
    cluster = await startK8sStandin({ token: 'standin-sa' });
    // A fresh object per rule: a shared one would be written to the config file as a YAML alias.
    const k8sExec = () => ({ actions: ['k8s'], k8s: { subresources: ['exec'], execLike: true } });
    stack = await startStack({
      label: 'interactive',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      idpEnv: { DEV_IDP_TOKEN_LIFETIME: String(TOKEN_LIFETIME_S) },
      config: {
        broker: { ssh: { hostKeyPath: join(sshd.dir, 'broker_host_key') } },
        connections: [
          sshConnection('box', sshd),
          {
            name: 'lab',
            type: 'k8s',
            target: { server: cluster.url, caCert: cluster.caCert },
            credentials: { token: 'standin-sa' },
          },
        ],
        policies: [
          { id: 'connect', effect: 'allow', actions: ['connect'] },
          {
            id: 'agent-shell',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['exec'],
            execModes: ['shell'],
          },
          {
            id: 'agent-sftp',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['exec'],
            execModes: ['subsystem'],
          },
          {
            id: 'agent-forward',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['exec'],
            execModes: ['forward'],
          },
          {
            id: 'mkdir-needs-approval',
            effect: 'approval',
            actions: ['exec'],
            shell: { onlyPrograms: ['mkdir'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 30 },
          },
          { id: 'k8s-read', effect: 'allow', actions: ['k8s'], k8s: { verbs: ['get', 'list', 'watch'] } },
          { id: 'k8s-exec', effect: 'allow', ...k8sExec(), shell: { onlyPrograms: ['echo', 'sleep', 'cat'] } },
          // A shell reading its program from stdin runs code the classifier cannot see: allowed in so many words.
          { id: 'k8s-shell', effect: 'allow', ...k8sExec(), shell: { onlyPrograms: ['sh'], dynamic: true } },
          {
            id: 'date-async',
            effect: 'approval',
            ...k8sExec(),
            shell: { onlyPrograms: ['date'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'async', timeoutSeconds: 60 },
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
    kubectl = kubectlFor(stack.brokerPorts.k8s, 'lab', () => stack.tokens.agent());
  }, 90000);

  afterAll(async () => {
    kubectl?.cleanup();
    await stack?.stop();
    await cluster?.stop();
    await sshd?.stop();
  });

  const auditEvents = async () =>
    (await readAuditStream(stack)).map(
      (e) =>
        JSON.parse(e) as { type: string; command?: string; decision?: string; ruleIds?: string[]; outcome?: string },
    );

  describe('SSH', () => {
    it('screens each line typed into a pty shell: an allowed line runs, a denied one is cancelled', async () => {
      const marker = join(sshd.dir, 'keep-me');
      mkdirSync(marker);
      const ssh = startSsh(stack, await stack.tokens.agent(), ['-tt']);
      try {
        ssh.child.stdin!.write('echo hel""lo\n');
        // The pty echoes the typed line; only the command's own output has the quotes removed.
        await ssh.until(() => /^hello\r?$/m.test(ssh.out()), 'the output of echo');
        ssh.child.stdin!.write(`rm -rf ${marker}\n`);
        // The broker writes the denial on the channel's stderr, which ssh prints on its own.
        await ssh.until(() => ssh.err().includes('portcullis: denied by no-rm-rf'), 'the denial');
        // `exit` alone would pass on the status of the cancelled line (130, from the Ctrl-C).
        ssh.child.stdin!.write('exit 0\n');
        expect(await ssh.closed).toBe(0);
      } finally {
        await ssh.stop();
      }
      expect(ssh.err()).toMatch(/portcullis: denied by no-rm-rf: recursive deletes are never allowed/);
      expect(existsSync(marker)).toBe(true);
      const decided = (await auditEvents()).filter((e) => e.type === 'command.decided');
      expect(decided).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ command: 'shell', decision: 'allow' }),
          expect.objectContaining({ command: 'echo hel""lo', decision: 'allow' }),
          expect.objectContaining({ command: `rm -rf ${marker}`, decision: 'deny', ruleIds: ['no-rm-rf'] }),
          expect.objectContaining({ command: 'exit 0', decision: 'allow' }),
        ]),
      );
    }, 30000);

    it('carries the sftp subsystem for the real sftp client: put and get', async () => {
      const local = join(sshd.dir, 'local.txt');
      const remote = join(sshd.dir, 'remote.txt');
      const back = join(sshd.dir, 'back.txt');
      writeFileSync(local, 'sftp through the gateway\n');
      // Commands from a pipe rather than `-b`: batch mode would turn off the token prompt.
      const sftp = watch(
        spawn(
          'sftp',
          [
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'PreferredAuthentications=keyboard-interactive',
            '-P',
            String(stack.brokerPorts.ssh),
            'box@127.0.0.1',
          ],
          { env: askpassEnv(await stack.tokens.agent()), stdio: ['pipe', 'pipe', 'pipe'] },
        ),
      );
      sftp.child.stdin!.end(`put ${local} ${remote}\nget ${remote} ${back}\nbye\n`);
      expect(await sftp.closed).toBe(0);
      expect(readFileSync(remote, 'utf8')).toBe('sftp through the gateway\n');
      expect(readFileSync(back, 'utf8')).toBe('sftp through the gateway\n');
    }, 30000);

    it('carries an allowed -L forward to a TCP service the target reaches', async () => {
      const echo: Server = createServer((s) => s.pipe(s));
      await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
      const echoPort = (echo.address() as { port: number }).port;
      const localPort = await freePort();
      const ssh = startSsh(stack, await stack.tokens.agent(), [
        '-N',
        '-o',
        'ExitOnForwardFailure=yes',
        '-L',
        `${localPort}:127.0.0.1:${echoPort}`,
      ]);
      try {
        const roundTrip = () =>
          new Promise<string>((resolve, reject) => {
            const sock = netConnect(localPort, '127.0.0.1', () => sock.write('ping through -L\n'));
            let got = '';
            sock.on('data', (d: Buffer) => {
              got += d.toString();
              if (got.endsWith('\n')) sock.end();
            });
            sock.on('close', () => resolve(got));
            sock.on('error', reject);
          });
        let reply: string | undefined;
        // ssh listens on the local port only once logged in: retry until it does.
        for (let i = 0; i < 100 && reply === undefined; i++) {
          reply = await roundTrip().catch(() => undefined);
          if (reply === undefined) await new Promise((r) => setTimeout(r, 100));
        }
        expect(reply).toBe('ping through -L\n');
      } finally {
        await ssh.stop();
        await new Promise((r) => echo.close(r));
      }
      expect((await auditEvents()).filter((e) => e.type === 'command.decided')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ command: `127.0.0.1:${echoPort}`, decision: 'allow', ruleIds: ['agent-forward'] }),
        ]),
      );
    }, 30000);

    it('refuses a held exec the approver denies, naming the approval, and runs nothing', async () => {
      const dir = join(sshd.dir, 'never-made');
      const command = `mkdir ${dir}`;
      const held = runSsh(stack, 'box', await stack.tokens.agent(), [command]);
      const approver = approverOf(stack);
      const approval = await approver.pending(command);
      expect((await approver.decide(approval.id, 'deny')).status).toBe(200);
      const r = await held;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`approval ${approval.id} was denied`);
      expect(existsSync(dir)).toBe(false);
    }, 30000);
  });

  describe('Kubernetes', () => {
    it('screens a script piped to a shell by kubectl exec -i: allowed lines run, a denied one does not', async () => {
      writeFileSync(join(cluster.sandbox, 'victim'), 'keep me');
      const run = watch(kubectl.start(['exec', '-i', 'web', '--', 'sh'], await stack.tokens.agent()));
      run.child.stdin!.end('echo before\nrm -rf victim\necho after\n');
      expect(await run.closed).toBe(0);
      expect(run.out()).toBe('before\nafter\n');
      expect(run.err()).toContain('portcullis: denied by no-rm-rf: recursive deletes are never allowed');
      expect(existsSync(join(cluster.sandbox, 'victim'))).toBe(true);
      expect((await auditEvents()).filter((e) => e.type === 'command.decided')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ command: 'echo before', decision: 'allow' }),
          expect.objectContaining({ command: 'rm -rf victim', decision: 'deny', ruleIds: ['no-rm-rf'] }),
        ]),
      );
    }, 30000);

    it('passes piped stdin of a command that reads it as data unscreened', async () => {
      const run = watch(kubectl.start(['exec', '-i', 'web', '--', 'cat'], await stack.tokens.agent()));
      run.child.stdin!.end('rm -rf is just text here\n');
      expect(await run.closed).toBe(0);
      expect(run.out()).toBe('rm -rf is just text here\n');
    }, 30000);

    it('refuses an async-approval exec with the approval id kubectl prints, and runs it once approved', async () => {
      const before = cluster.execs.length;
      const first = await kubectl.run(['exec', 'web', '--', 'date', '+%Y']);
      expect(first.code).not.toBe(0);
      const id = /approval id ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
      expect(id).toBeDefined();
      expect(cluster.execs.length).toBe(before);
      expect((await approverOf(stack).decide(id!, 'approve')).status).toBe(200);
      const again = await kubectl.run(['exec', 'web', '--', 'date', '+%Y']);
      expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d{4}\n$/) });
    }, 30000);

    it(
      'cuts a running exec when its token expires',
      async () => {
        const run = watch(kubectl.start(['exec', 'web', '--', 'sleep', '120'], await stack.tokens.agent()));
        try {
          await run.until(() => cluster.execs.some((argv) => argv.join(' ') === 'sleep 120'), 'the exec to start');
          expect(await run.closed).not.toBe(0);
          expect(run.err()).toContain('portcullis: the access token has expired');
        } finally {
          await run.stop();
        }
        // session.ended follows the stream's close (once its recording is stored): poll for it.
        let ended = false;
        for (let i = 0; i < 50 && !ended; i++) {
          ended = (await auditEvents()).some((e) => e.type === 'session.ended' && e.outcome === 'token_expired');
          if (!ended) await new Promise((r) => setTimeout(r, 200));
        }
        expect(ended).toBe(true);
      },
      (TOKEN_LIFETIME_S + 20) * 1000,
    );
  });
});
