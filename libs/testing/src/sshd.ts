import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { waitForPort } from './private-servers';

const SSHD = '/usr/sbin/sshd';

/** A real OpenSSH server of a test's own (Debian `openssh-server`), on a free loopback port. */
export interface PrivateSshd {
  port: number;
  /** The account to log in as: the user running the test (sshd then needs no other account). */
  user: string;
  /** Its host public key line (`ssh-ed25519 AAAA…`) and SHA256 fingerprint, to pin in a connection. */
  hostKey: string;
  fingerprint: string;
  /** The private key (OpenSSH format) authorised to log in, and its path. */
  clientKey: string;
  clientKeyPath: string;
  /** A scratch directory the test may use (marker files); removed by `stop`. */
  dir: string;
  /** Output of sshd so far (`-e`: its log on stderr). */
  output(): string;
  stop(): Promise<void>;
}

function keygen(path: string, comment: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/**
 * Starts sshd with its own config, host key and authorised client key in a temporary directory: public
 * key login only, no PAM, sftp and TCP forwarding available (so a test can show the gateway refuses them).
 * sshd needs its privilege separation directory, which a container may not have: it is created if missing.
 */
export async function startPrivateSshd(): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-sshd-'));
  const port = await freePort();
  keygen(join(dir, 'host_key'), 'private-sshd');
  keygen(join(dir, 'client_key'), 'portcullis-test');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'Subsystem sftp internal-sftp',
      'MaxSessions 100',
      'MaxStartups 200',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForPort(port, true, 10000),
      exited.then(() => Promise.reject(new Error(`sshd exited:\n${out}`))),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], { encoding: 'utf8' });
  return {
    port,
    user: userInfo().username,
    hostKey,
    fingerprint: fp.stdout.split(/\s+/)[1] ?? '',
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    clientKeyPath: join(dir, 'client_key'),
    dir,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
