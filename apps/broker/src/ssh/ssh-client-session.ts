import { randomUUID } from 'node:crypto';
import type { Principal } from '@portcullis/contracts';
import type { Client, ClientInfo, Connection } from 'ssh2';
import type { BrokerConnection } from '../connections/connection-registry.service';
import type { TerminalRecorder } from '../recording/terminal-recorder';
import type { LiveSession, SessionEndReason } from '../sessions/session';
import type { Abortable, SshChannelHost, SshFrontEndDeps } from './ssh-deps';
import { SshForward } from './ssh-forwarding';
import { SshLogin, type LoginCheck } from './ssh-login';
import { SshSessionChannel } from './ssh-session-channel';
import { openSshUpstream, SshUpstreamError, type TerminalRequest } from './ssh-upstream';

const LOGIN_TIMEOUT_MS = 30000;
/** Lets a refusal or an abort message reach the client before the connection goes. */
const LINGER_MS = 200;

/**
 * One agent's SSH connection: the connection name as user name, the access token as password, identity
 * and the connect decision, the target opened with the broker's key, then channels. One live session
 * per connection, so suspension and token expiry cut every channel on it; a protocol error or a
 * malformed packet ends this connection only.
 */
export class SshClientSession implements LiveSession, SshChannelHost {
  readonly id = randomUUID();
  readonly channel = 'ssh' as const;
  readonly startedAt = new Date();
  principal!: Principal;
  connection!: BrokerConnection;
  readonly session = this;
  private target?: Client;
  private terminal?: TerminalRecorder;
  private readonly open = new Set<Abortable>();
  private unregister?: () => void;
  private ended = false;
  private readonly loginTimer: NodeJS.Timeout;

  constructor(
    private readonly conn: Connection,
    private readonly info: ClientInfo,
    readonly deps: SshFrontEndDeps,
  ) {
    const login = new SshLogin(
      (user, token) => this.login(user, token),
      () => setTimeout(() => this.close('protocol_error'), LINGER_MS).unref(),
    );
    this.loginTimer = setTimeout(() => this.close('protocol_error'), LOGIN_TIMEOUT_MS);
    this.loginTimer.unref();
    // Every exec is a few small request/reply packets: Nagle's delay would be paid on each of them.
    // (ssh2's server connection has setNoDelay; its type declarations omit it.)
    (conn as Connection & { setNoDelay(on: boolean): void }).setNoDelay(true);
    conn.on('authentication', (ctx) => login.handle(ctx));
    conn.on('ready', () => this.ready());
    conn.on('error', () => this.close('protocol_error'));
    conn.on('close', () => this.close('client_closed'));
  }

  private async login(user: string, token: string): Promise<LoginCheck> {
    const connection = this.deps.connections.find(user);
    const target = this.deps.targetOf(user);
    if (!connection || !target) return { ok: false, message: `no SSH connection named "${user}"` };
    this.connection = connection;
    const auth = await this.deps.gate.authenticate(token, 'ssh');
    if (!auth.ok) {
      return auth.code === 'unauthenticated'
        ? { ok: false, message: `token refused (${auth.reason}): ${auth.detail}` }
        : { ok: false, message: 'the identity service is unavailable; try again' };
    }
    this.principal = auth.principal;
    const verdict = await this.deps.pipeline.authorize(this, { kind: 'connect' }, `connect ${user}`);
    if (verdict.verdict !== 'forward') return { ok: false, message: verdict.message };
    try {
      this.target = await openSshUpstream(target.target, target.credentials);
    } catch (err) {
      const why = err instanceof SshUpstreamError ? err.message : 'internal error';
      return { ok: false, message: `cannot open a session on "${user}": ${why}` };
    }
    this.target.on('close', () => this.terminate('upstream_closed', 'the target closed the connection'));
    try {
      await this.deps.audit.sessionStarted(this, { connection: user, client: this.info.header.identRaw.slice(0, 200) });
    } catch {
      return { ok: false, message: 'the audit trail is unavailable, so no session can start' };
    }
    if (this.ended) {
      this.target.end();
      return { ok: false, message: 'the connection was closed' };
    }
    this.unregister = this.deps.registry.register(this);
    return { ok: true };
  }

  private ready(): void {
    clearTimeout(this.loginTimer);
    this.conn.on('session', (accept) => {
      const session = accept();
      if (session) new SshSessionChannel(session, this);
    });
    this.conn.on('tcpip', (accept, reject, info) => void new SshForward(this).open(accept, reject, info));
    // Remote forwards (`ssh -R`) would open listeners on the target for the agent: not offered.
    this.conn.on('request', (_accept, reject, name, info) => {
      reject?.();
      void this.deps.audit.refused(
        this,
        `${name} ${info.bindAddr}:${info.bindPort}`,
        'remote port forwarding is not offered',
      );
    });
    this.conn.on('openssh.streamlocal', (_accept, reject) => reject());
  }

  upstream(): Client {
    if (!this.target) throw new SshUpstreamError('the connection to the target is not open');
    return this.target;
  }

  /**
   * The audit trail keeps one terminal recording per session id, so a connection has one recording: its
   * header takes the first terminal's size, and each channel starts with a marker naming its command.
   */
  recorder(pty: TerminalRequest | undefined, title: string): TerminalRecorder {
    this.terminal ??= this.deps.audit.recordTerminal(this, {
      width: pty?.cols || 80,
      height: pty?.rows || 24,
      timestamp: Math.floor(Date.now() / 1000),
      title: `${this.connection.ref.name}: ${title}`.slice(0, 512),
      ...(pty ? { env: { TERM: pty.term.slice(0, 256) } } : {}),
    });
    return this.terminal;
  }

  track(channel: Abortable): () => void {
    this.open.add(channel);
    return () => this.open.delete(channel);
  }

  terminate(reason: SessionEndReason, message: string): void {
    if (this.ended) return;
    for (const c of this.open) c.abort(message);
    setTimeout(() => this.close(reason), LINGER_MS).unref();
  }

  private close(reason: SessionEndReason): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.loginTimer);
    for (const c of this.open) c.abort('the session ended');
    this.conn.end();
    this.target?.end();
    this.terminal?.close();
    if (this.unregister) {
      this.unregister();
      void this.deps.audit.sessionEnded(this, reason);
    }
  }
}
