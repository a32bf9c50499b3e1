import { Client, type ClientChannel, type PseudoTtyOptions } from 'ssh2';
import type { SshCredentials, SshTarget } from './ssh-target';
import { hostKeyAlgorithms, hostKeyMatches, parsePinnedHostKey } from './ssh-target';

/** A failure to reach or use the target, worded for the agent: never a credential, never a key. */
export class SshUpstreamError extends Error {}

/** The terminal the agent asked for (pty-req), passed on to the target as asked. */
export type TerminalRequest = PseudoTtyOptions & { term: string; rows: number; cols: number };

/**
 * The broker's own SSH connection to the target, authenticated with the key it holds. The target's host
 * key is checked against the pinned one before any credential is sent; a mismatch is refused.
 */
export function openSshUpstream(target: SshTarget, credentials: SshCredentials): Promise<Client> {
  const pinned = parsePinnedHostKey(target.hostKey);
  if (!pinned) return Promise.reject(new SshUpstreamError('the connection has no usable hostKey'));
  const algorithms = hostKeyAlgorithms(pinned);
  return new Promise((resolve, reject) => {
    const client = new Client();
    let mismatch = false;
    client.once('ready', () => {
      client.setNoDelay(true);
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', (err: Error & { level?: string }) => {
      client.end();
      reject(new SshUpstreamError(describeFailure(err, mismatch)));
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.username,
      ...credentials,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: 15000,
      ...(algorithms ? { algorithms: { serverHostKey: algorithms as never } } : {}),
      hostVerifier: (key: Buffer) => {
        mismatch = !hostKeyMatches(pinned, key);
        return !mismatch;
      },
    });
  });
}

function describeFailure(err: Error & { level?: string; code?: string }, mismatch: boolean): string {
  if (mismatch) return "the target's host key does not match the one configured for this connection";
  if (err.level === 'client-authentication') return "the target refused the gateway's credentials";
  if (err.level === 'client-timeout') return 'the target did not answer in time';
  if (err.code) return `cannot reach the target (${err.code})`;
  return 'cannot reach the target';
}

/** What to start on the target for one agent channel. */
export type UpstreamRequest =
  | { kind: 'exec'; command: string; pty?: TerminalRequest }
  | { kind: 'shell'; pty?: TerminalRequest }
  | { kind: 'subsystem'; name: string };

export function openUpstreamChannel(client: Client, req: UpstreamRequest): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | undefined, channel: ClientChannel) =>
      err ? reject(new SshUpstreamError(`the target refused the request (${err.message})`)) : resolve(channel);
    try {
      if (req.kind === 'exec') client.exec(req.command, req.pty ? { pty: req.pty } : {}, done);
      else if (req.kind === 'shell') client.shell(req.pty ?? false, done);
      else client.subsys(req.name, done);
    } catch {
      reject(new SshUpstreamError('the connection to the target is closed'));
    }
  });
}

/** A direct-tcpip channel from the target to `host:port` (an agent's `ssh -L`). */
export function openUpstreamForward(
  client: Client,
  from: { ip: string; port: number },
  host: string,
  port: number,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut(from.ip, from.port, host, port, (err, channel) =>
        err ? reject(new SshUpstreamError(`the target refused the forward (${err.message})`)) : resolve(channel),
      );
    } catch {
      reject(new SshUpstreamError('the connection to the target is closed'));
    }
  });
}
