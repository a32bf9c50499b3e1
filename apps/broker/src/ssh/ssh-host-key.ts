import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { resolveSecret, type LoadedConfig } from '@portcullis/config';
import { utils, type ParsedKey } from 'ssh2';

export interface SshHostKey {
  /** The private key, as ssh2's server takes it. */
  key: string;
  /** `SHA256:…` of the public key, as `ssh-keygen -lf` and the client's known_hosts prompt show it. */
  fingerprint: string;
  /** Where it came from, for the start-up log line. */
  source: string;
}

/**
 * The SSH listener's host key. Agents pin it in known_hosts, so it must not change across restarts:
 * a configured secret (`broker.ssh.hostKey`, which replicas behind one address must share), else a
 * key generated once at `broker.ssh.hostKeyPath` with mode 0600 and reused from then on.
 */
export function loadSshHostKey(loaded: LoadedConfig): SshHostKey {
  const ssh = loaded.config.broker.ssh;
  if (ssh.hostKey) return describe(resolveSecret(ssh.hostKey, 'broker.ssh.hostKey'), 'broker.ssh.hostKey');
  const path = resolve(ssh.hostKeyPath);
  return describe(readOrCreate(path), path);
}

function describe(text: string, source: string): SshHostKey {
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error || !parsed.isPrivateKey())
    throw new Error(`broker.ssh: the host key from ${source} is not a usable private key`);
  return { key: text, fingerprint: fingerprintOf(parsed), source };
}

export function fingerprintOf(key: ParsedKey): string {
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

function readOrCreate(path: string): string {
  try {
    return readPrivate(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { private: key } = utils.generateKeyPairSync('ed25519', { comment: 'portcullis-broker' });
  // Written beside the target and linked into place: two replicas starting at once on a shared volume
  // both end up with the one key that won, never a half-written file.
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(staging, key, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(staging, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(staging);
  }
  return readPrivate(path);
}

/** A host key others can read is a host key others can impersonate: refuse it, as sshd does. */
function readPrivate(path: string): string {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`broker.ssh.hostKeyPath: ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  }
  return readFileSync(path, 'utf8');
}
