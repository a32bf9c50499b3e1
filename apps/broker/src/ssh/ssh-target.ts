import { createHash } from 'node:crypto';
import type { ConnectionConfig } from '@portcullis/config';
import { utils } from 'ssh2';
import { z } from 'zod';
import { parseTarget } from '../connections/connection-target';

const FINGERPRINT = /^SHA256:([A-Za-z0-9+/]{43})=?$/;
const KEY_TYPE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com)$/;

/** The target's host key as configured: its SHA256 fingerprint, or the key itself (and so its type). */
export type PinnedHostKey = { kind: 'fingerprint'; sha256: string } | { kind: 'key'; type: string; blob: Buffer };

/**
 * `SHA256:…` as `ssh-keygen -lf` prints it, or a public key line: `ssh-ed25519 AAAA… [comment]`, or a
 * known_hosts line (`host ssh-ed25519 AAAA…`). Anything else is a configuration error: the broker never
 * connects to a target whose identity it cannot check.
 */
export function parsePinnedHostKey(text: string): PinnedHostKey | undefined {
  const trimmed = text.trim();
  const fp = FINGERPRINT.exec(trimmed);
  if (fp) return { kind: 'fingerprint', sha256: fp[1] };
  const words = trimmed.split(/\s+/);
  const at = words.findIndex((w) => KEY_TYPE.test(w));
  if (at < 0 || at + 1 >= words.length) return undefined;
  const blob = Buffer.from(words[at + 1], 'base64');
  const parsed = utils.parseKey(blob);
  if (parsed instanceof Error || parsed.type !== words[at]) return undefined;
  return { kind: 'key', type: words[at], blob };
}

export const sshTargetSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    /** The account the broker logs in as on the target. */
    username: z.string().min(1),
    hostKey: z.string().refine((s) => parsePinnedHostKey(s) !== undefined, {
      message: 'must be a SHA256:… fingerprint, a public key line or a known_hosts line',
    }),
    /** How long to wait for the target to answer and authenticate. */
    connectTimeoutMs: z.number().int().min(100).max(120000).default(10000),
  })
  .strict();
export type SshTarget = z.infer<typeof sshTargetSchema>;

export interface SshCredentials {
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

export function sshTargetOf(c: ConnectionConfig, index: number): SshTarget {
  return parseTarget(sshTargetSchema, c, index);
}

/** Checked at boot: a key that does not parse stops the broker with the key named, never its value. */
export function sshCredentialsOf(values: ReadonlyMap<string, string>, name: string): SshCredentials {
  const privateKey = values.get('privateKey');
  const passphrase = values.get('passphrase');
  const password = values.get('password');
  if (!privateKey && !password)
    throw new Error(`connection ${name}: credentials.privateKey (or credentials.password) is required for ssh`);
  if (privateKey) {
    const parsed = utils.parseKey(privateKey, passphrase);
    if (parsed instanceof Error || !parsed.isPrivateKey())
      throw new Error(`connection ${name}: credentials.privateKey is not a usable private key`);
  }
  return {
    ...(privateKey ? { privateKey } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(password ? { password } : {}),
  };
}

/** Host key algorithms to offer, so the target presents the pinned key's type rather than another. */
export function hostKeyAlgorithms(pinned: PinnedHostKey): string[] | undefined {
  if (pinned.kind !== 'key') return undefined;
  if (pinned.type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [pinned.type];
}

/** Whether the key the target presented is the pinned one. */
export function hostKeyMatches(pinned: PinnedHostKey, presented: Buffer): boolean {
  if (pinned.kind === 'key') return pinned.blob.equals(presented);
  return createHash('sha256').update(presented).digest('base64').replace(/=+$/, '') === pinned.sha256;
}
