import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Principal } from '@portcullis/contracts';
import {
  POSTGRES_FRONTEND_LIMITS,
  decodePassword,
  encodeAuthenticationCleartextPassword,
  encodeAuthenticationOk,
  encodeBackendKeyData,
  encodeErrorResponse,
  encodeNegotiateProtocolVersion,
  encodeNoticeResponse,
  encodeParameterStatus,
  encodeReadyForQuery,
  FrameError,
  FrameReader,
  FrontendType,
  parseStartupFrame,
  SqlState,
} from '@portcullis/pg-wire';
import type { BrokerConnection } from '../connections/connection-registry.service';
import type { LiveSession, SessionEndReason } from '../sessions/session';
import type { PgFrontEndDeps } from './pg-deps';
import { openUpstream, UpstreamError, type Upstream } from './pg-upstream';
import { PgRelay } from './pg-relay';
import { SocketFrames } from './socket-frames';
import { vetStartupParams } from './startup-params';

const LOGIN_TIMEOUT_MS = 30000;

class Fatal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One client connection: TLS, startup, the token as password, identity and the connect decision, the
 * upstream opened with the broker's credentials, then the relay. Any failure ends this session with a
 * FATAL carrying a SQLSTATE and a clear message; nothing here can take other sessions down.
 */
export class PgClientSession implements LiveSession {
  readonly id = randomUUID();
  readonly channel = 'postgres' as const;
  readonly startedAt = new Date();
  principal!: Principal;
  connection!: BrokerConnection;
  private socket: Socket;
  private upstream?: Upstream;
  private relay?: PgRelay;
  private ended = false;
  private terminating = false;
  private unregister?: () => void;
  private releaseKey?: () => void;

  constructor(
    raw: Socket,
    private readonly deps: PgFrontEndDeps,
  ) {
    this.socket = raw;
    raw.setNoDelay(true);
    raw.on('error', () => this.close('client_closed'));
  }

  async run(): Promise<void> {
    try {
      const reader = await this.startup();
      if (!reader) return;
      this.relay = new PgRelay(this.socket, reader, this.upstream!, this, {
        pipeline: this.deps.pipeline,
        responses: {
          session: this,
          audit: this.deps.audit,
          maskerFor: (d) => this.deps.maskers.forDecision(d),
          resolveColumns: (fields) => this.deps.catalogFor(this.connection).resolve(fields),
          onUpstreamFailure: (m) => this.fatal(SqlState.ConnectionFailure, m, 'upstream_closed'),
        },
        onFatal: (code, message) => this.fatal(code, message, 'protocol_error'),
        onTerminate: () => {
          this.terminating = true;
          setTimeout(() => this.close('client_closed'), 5000).unref();
        },
      });
      this.socket.on('close', () => this.close('client_closed'));
      this.upstream!.socket.on('close', () =>
        this.terminating
          ? this.close('client_closed')
          : this.fatal(SqlState.ConnectionFailure, 'the database closed the connection', 'upstream_closed'),
      );
      this.upstream!.socket.on('error', () => undefined);
      this.socket.setTimeout(this.deps.idleTimeoutMs, () =>
        this.terminate('idle_timeout', 'the session was idle too long'),
      );
      this.relay.start();
    } catch (err) {
      if (err instanceof Fatal) this.fatal(err.code, err.message, 'protocol_error');
      else if (err instanceof FrameError)
        this.fatal(SqlState.ProtocolViolation, `invalid startup message: ${err.message}`, 'protocol_error');
      else this.close('client_closed');
    }
  }

  private async startup(): Promise<FrameReader | undefined> {
    const deadline = Date.now() + LOGIN_TIMEOUT_MS;
    let reader = this.newReader();
    let frames = new SocketFrames(this.socket, reader);
    for (;;) {
      const req = parseStartupFrame((await frames.next(deadline)).body);
      if (req.kind === 'cancel') {
        this.deps.cancelKeys.cancel(req.processId, req.secretKey);
        this.socket.destroy();
        return undefined;
      }
      if (req.kind === 'gssenc') {
        this.socket.write('N');
        reader.expectStartup();
        continue;
      }
      if (req.kind === 'ssl') {
        if (this.socket instanceof TLSSocket) throw new Fatal(SqlState.ProtocolViolation, 'SSLRequest inside TLS');
        // Bytes sent after SSLRequest but before the handshake would be read as if encrypted (CVE-2021-23214).
        if (reader.buffered > 0) throw new Fatal(SqlState.ProtocolViolation, 'data received before the TLS handshake');
        frames.detach();
        this.socket.write('S');
        this.socket = await this.upgrade(this.socket, this.deps.secureContext());
        reader = this.newReader();
        frames = new SocketFrames(this.socket, reader);
        continue;
      }
      const params = vetStartupParams(req.params);
      if (req.protocol.minor > 0 || params.protocolOptions.length > 0)
        this.socket.write(encodeNegotiateProtocolVersion(0, params.protocolOptions));
      await this.login(req.params, params, frames, deadline);
      frames.detach();
      return reader;
    }
  }

  private async login(
    raw: Record<string, string>,
    params: ReturnType<typeof vetStartupParams>,
    frames: SocketFrames,
    deadline: number,
  ): Promise<void> {
    const name = raw.database ?? raw.user ?? '';
    const connection = this.deps.connections.find(name);
    if (!connection || connection.ref.type !== 'postgres')
      throw new Fatal(SqlState.InvalidCatalogName, `portcullis: no database connection named "${name}"`);
    this.connection = connection;
    if (!(this.socket instanceof TLSSocket) && !connection.config.insecure) {
      throw new Fatal(
        SqlState.InvalidAuthorizationSpecification,
        'portcullis: TLS is required: connect with sslmode=require',
      );
    }
    if (params.refusal) throw new Fatal(SqlState.FeatureNotSupported, `portcullis: ${params.refusal}`);

    this.socket.write(encodeAuthenticationCleartextPassword());
    const pw = await frames.next(deadline);
    if (pw.type !== FrontendType.Password) throw new Fatal(SqlState.ProtocolViolation, 'expected a password message');
    const token = decodePassword(pw.body);
    const auth = await this.deps.gate.authenticate(token, 'postgres');
    if (!auth.ok) {
      throw auth.code === 'unauthenticated'
        ? new Fatal(SqlState.InvalidPassword, `portcullis: token refused (${auth.reason}): ${auth.detail}`)
        : new Fatal(
            SqlState.InvalidAuthorizationSpecification,
            'portcullis: the identity service is unavailable; try again',
          );
    }
    this.principal = auth.principal;

    const verdict = await this.deps.pipeline.authorize(this, { kind: 'connect' }, `connect ${name}`);
    if (verdict.verdict !== 'forward')
      throw new Fatal(SqlState.InvalidAuthorizationSpecification, `portcullis: ${verdict.message}`);
    try {
      const target = this.deps.targetOf(connection);
      this.upstream = await openUpstream(target.target, target.credentials, params.forward);
    } catch (err) {
      throw new Fatal(
        SqlState.ConnectionFailure,
        `portcullis: cannot open a session on "${name}": ${err instanceof UpstreamError ? err.message : 'internal error'}`,
      );
    }
    await this.deps.audit
      .sessionStarted(this, { database: name, applicationName: params.forward.application_name ?? null })
      .catch(() => {
        throw new Fatal(
          SqlState.InvalidAuthorizationSpecification,
          'portcullis: the audit trail is unavailable, so no session can start',
        );
      });
    const key = this.deps.cancelKeys.issue(this.upstream);
    this.releaseKey = key.release;
    this.unregister = this.deps.registry.register(this);
    const out: Buffer[] = [encodeAuthenticationOk()];
    for (const [k, v] of this.upstream.parameters) out.push(encodeParameterStatus(k, v));
    out.push(encodeBackendKeyData(key.processId, key.secretKey));
    if (params.ignored.length > 0) {
      out.push(
        encodeNoticeResponse({
          severity: 'NOTICE',
          code: '01000',
          message: `portcullis: ignored startup parameters: ${params.ignored.join(', ')}`,
        }),
      );
    }
    out.push(encodeReadyForQuery(this.upstream.status));
    this.socket.write(Buffer.concat(out));
  }

  /** Postgres' own per-message limits, with statements and COPY data capped at the inspection limit. */
  private newReader(): FrameReader {
    const big = this.deps.maxStatementBytes;
    return new FrameReader({
      startup: true,
      maxFrameLength: POSTGRES_FRONTEND_LIMITS.maxFrameLength,
      typeLimits: { ...POSTGRES_FRONTEND_LIMITS.typeLimits, Q: big, P: big, B: big, d: big },
    });
  }

  private upgrade(socket: Socket, secureContext: SecureContext): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const tls = new TLSSocket(socket, { isServer: true, secureContext });
      tls.once('secure', () => resolve(tls));
      tls.once('error', reject);
      tls.on('error', () => this.close('client_closed'));
    });
  }

  terminate(reason: SessionEndReason, message: string): void {
    this.fatal(SqlState.AdminShutdown, `portcullis: ${message}`, reason);
  }

  private fatal(code: string, message: string, reason: SessionEndReason): void {
    if (this.ended) return;
    if (!this.socket.destroyed) this.socket.write(encodeErrorResponse({ severity: 'FATAL', code, message }));
    this.close(reason);
  }

  private close(reason: SessionEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.relay?.stop();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.upstream?.socket.destroy();
    this.releaseKey?.();
    if (this.unregister) {
      this.unregister();
      void this.deps.audit.sessionEnded(this, reason);
    }
  }
}
