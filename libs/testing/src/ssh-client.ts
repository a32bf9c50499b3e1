import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ConnectConfig } from 'ssh2';

export interface SshExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

/** An ssh2 client connection (the broker's or a target's), resolved once authenticated. */
export function connectSsh(config: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => {
      c.setNoDelay(true);
      resolve(c);
    });
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', readyTimeout: 20000, ...config });
  });
}

/** Runs one command on an open connection (a new exec channel) and collects its output and exit status. */
export function sshExec(client: Client, command: string, stdin?: string): Promise<SshExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let signal: string | undefined;
      ch.on('data', (d: Buffer) => (stdout += d.toString()));
      ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      ch.on('exit', (c: number | null, s?: string) => {
        code = c;
        signal = s ?? undefined;
      });
      ch.on('close', () => resolve({ code, stdout, stderr, ...(signal ? { signal } : {}) }));
      ch.end(stdin);
    });
  });
}

let askpass: string | undefined;

/**
 * An SSH_ASKPASS program that answers the broker's token prompts from $PORTCULLIS_TOKEN. OpenSSH cannot
 * send an answer longer than 1023 characters, so the broker asks for the token in parts ("part N") of
 * 1000 characters; the program prints the part each prompt names. Written once per process.
 */
export function tokenAskpass(): string {
  if (askpass) return askpass;
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-askpass-'));
  const path = join(dir, 'askpass.sh');
  writeFileSync(
    path,
    `#!/bin/sh
part=$(printf '%s' "$1" | sed -n 's/.*part \\([0-9][0-9]*\\).*/\\1/p')
[ -n "$part" ] || part=1
from=$(( (part - 1) * 1000 + 1 ))
printf '%s' "$PORTCULLIS_TOKEN" | cut -c "$from-$(( from + 999 ))"
`,
    { mode: 0o700 },
  );
  askpass = path;
  return path;
}

/** Environment for the real `ssh` client to log in to the broker with `token` through tokenAskpass. */
export function askpassEnv(token: string): NodeJS.ProcessEnv {
  return { ...process.env, SSH_ASKPASS: tokenAskpass(), SSH_ASKPASS_REQUIRE: 'force', PORTCULLIS_TOKEN: token };
}
