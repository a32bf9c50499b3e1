// Helpers of the SSH suites: a connection to a private sshd, and the real OpenSSH client driven with the
// agent's token through SSH_ASKPASS (OpenSSH cannot send a password longer than 1023 characters, so the
// helper answers the broker's "part N" prompts a thousand characters at a time).
import { spawn } from 'node:child_process';
import { askpassEnv, connectSsh, type PrivateSshd, type Stack } from '@portcullis/testing';
import type { Client } from 'ssh2';

export function sshConnection(name: string, sshd: PrivateSshd, hostKey = sshd.hostKey): Record<string, unknown> {
  return {
    name,
    type: 'ssh',
    target: { host: '127.0.0.1', port: sshd.port, username: sshd.user, hostKey },
    credentials: { privateKey: { file: sshd.clientKeyPath } },
  };
}

export interface SshRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `ssh` client through the broker, `ssh -p <port> <connection>@127.0.0.1 <args…>`, just started. */
export function spawnSsh(stack: Stack, connection: string, token: string, args: string[], options: string[] = []) {
  return spawn(
    'ssh',
    [
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'PreferredAuthentications=keyboard-interactive',
      '-o',
      'NumberOfPasswordPrompts=1',
      ...options,
      '-p',
      String(stack.brokerPorts.ssh),
      `${connection}@127.0.0.1`,
      ...args,
    ],
    { env: askpassEnv(token), stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** The real `ssh` client through the broker, run to its end with the given stdin. */
export function runSsh(
  stack: Stack,
  connection: string,
  token: string,
  args: string[],
  opts: { stdin?: string; options?: string[]; onStdout?: (text: string) => void } = {},
): Promise<SshRun> {
  const child = spawnSsh(stack, connection, token, args, opts.options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    opts.onStdout?.(stdout);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A programmatic SSH session through the broker (ssh2, the whole token as password). */
export function brokerSsh(stack: Stack, connection: string, token: string): Promise<Client> {
  return connectSsh({ port: stack.brokerPorts.ssh, username: connection, password: token });
}
