// SSH exec round trips through the broker vs straight to the same OpenSSH server, in one run: exec
// channels on one open connection (ssh2), and whole `ssh` invocations. Usage: node dist/bench/ssh/run.js [n]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  askpassEnv,
  connectSsh,
  sshExec,
  startPrivateSshd,
  startStack,
  type PrivateSshd,
  type Stack,
} from '@portcullis/testing';
import type { Client } from 'ssh2';
import { concurrent, report, sequential } from '../support/latency';

const N = Number(process.argv[2] ?? 500);
const INVOCATIONS = Math.max(10, Math.floor(N / 10));

function execOk(client: Client, command: string): () => Promise<void> {
  return async () => {
    const r = await sshExec(client, command);
    if (r.code !== 0) throw new Error(`${command} failed (${r.code}): ${r.stderr}`);
  };
}

/** One whole `ssh` run (connect, authenticate, exec, exit), password via SSH_ASKPASS when given. */
function invocation(args: string[], token?: string): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn(
        'ssh',
        ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', ...args],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: token ? askpassEnv(token) : process.env,
        },
      );
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited ${code}: ${err}`))));
    });
}

async function startBroker(sshd: PrivateSshd): Promise<Stack> {
  return startStack({
    label: 'benchssh',
    services: ['identity', 'policy', 'audit', 'broker'],
    config: {
      broker: { ssh: { hostKeyPath: join(sshd.dir, 'broker_host_key') } },
      connections: [
        {
          name: 'bench',
          type: 'ssh',
          target: { host: '127.0.0.1', port: sshd.port, username: sshd.user, hostKey: sshd.hostKey },
          credentials: { privateKey: { file: sshd.clientKeyPath } },
        },
      ],
      policies: [
        { id: 'connect', effect: 'allow', actions: ['connect'] },
        { id: 'bench', effect: 'allow', actions: ['exec'], shell: { onlyPrograms: ['true', 'echo'] } },
      ],
    },
  });
}

async function main(): Promise<void> {
  const sshd = await startPrivateSshd();
  const stack = await startBroker(sshd).catch(async (err) => {
    await sshd.stop();
    throw err;
  });
  try {
    const token = await stack.tokens.agent();
    const direct = await connectSsh({ port: sshd.port, username: sshd.user, privateKey: sshd.clientKey });
    const broker = await connectSsh({ port: stack.brokerPorts.ssh, username: 'bench', password: token });
    console.log(`SSH exec round trips, n=${N} (one open connection, a new exec channel per command)`);
    for (const cmd of ['true', 'echo hi']) {
      report(`direct   ${cmd}`, await sequential(execOk(direct, cmd), N, 20));
      report(`portcullis ${cmd}`, await sequential(execOk(broker, cmd), N, 20));
    }
    console.log('4 exec channels in flight on one connection');
    for (const [label, client] of [
      ['direct', direct],
      ['portcullis', broker],
    ] as const) {
      const r = await concurrent(execOk(client, 'echo hi'), N, 4);
      report(`${label} echo hi x4`, r.samples, { wallMs: r.wallMs });
    }
    direct.end();
    broker.end();
    console.log(`whole ssh invocations (connect, authenticate, exec), n=${INVOCATIONS}`);
    const directRun = invocation(['-i', sshd.clientKeyPath, '-p', String(sshd.port), `${sshd.user}@127.0.0.1`, 'true']);
    const brokerRun = invocation(
      [
        '-o',
        'PreferredAuthentications=keyboard-interactive',
        '-p',
        String(stack.brokerPorts.ssh),
        'bench@127.0.0.1',
        'true',
      ],
      token,
    );
    report('direct     ssh ... true', await sequential(directRun, INVOCATIONS, 2));
    report('portcullis ssh ... true', await sequential(brokerRun, INVOCATIONS, 2));
  } finally {
    await stack.stop();
    await sshd.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
