import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import {
  BackendType,
  decodeAuthentication,
  decodeBackendKeyData,
  decodeErrorFields,
  decodeParameterStatus,
  decodeReadyForQuery,
  encodeCancelRequest,
  encodePasswordMessage,
  encodeSaslInitialResponse,
  encodeSaslResponse,
  encodeSSLRequest,
  encodeStartupMessage,
  FrameReader,
  md5PasswordHash,
  ScramClient,
  ScramKeyCache,
  type Frame,
  type TransactionStatus,
} from '@portcullis/pg-wire';
import type { PostgresCredentials, PostgresTarget } from './postgres-target';

/** Why the upstream could not be opened; never carries a credential. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface Upstream {
  socket: Socket;
  reader: FrameReader;
  parameters: Array<[string, string]>;
  processId: number;
  secretKey: number;
  status: TransactionStatus;
  /** Sends a CancelRequest for this backend on a separate connection, as the protocol requires. */
  cancel(): void;
}

const scramKeys = new ScramKeyCache();
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * Opens a session on the target with the credentials the broker holds: TLS as configured, then trust,
 * cleartext, md5 or SCRAM-SHA-256 (whose server signature is checked: an upstream that cannot prove it
 * knows the password is not trusted with the session). Startup parameters are the client's vetted ones.
 */
export async function openUpstream(
  target: PostgresTarget,
  creds: PostgresCredentials,
  params: Record<string, string>,
  timeoutMs = 10000,
): Promise<Upstream> {
  const socket = await withTimeout(connectTransport(target), timeoutMs, 'connecting to the database timed out');
  socket.setNoDelay(true);
  const reader = new FrameReader();
  const frames = frameIterator(socket, reader);
  try {
    socket.write(encodeStartupMessage({ ...params, user: creds.user, database: target.database }));
    // Who is at the other end is proven by a verified certificate, or by being this host itself.
    const serverProven = ('encrypted' in socket && target.tls === 'verify-full') || isLoopback(target.host);
    const result = await withTimeout(
      authenticate(socket, frames, creds, serverProven),
      timeoutMs,
      'database login timed out',
    );
    frames.detach();
    return {
      socket,
      reader,
      ...result,
      cancel: () => {
        const c = netConnect({ host: target.host, port: target.port });
        c.on('error', () => undefined);
        c.end(encodeCancelRequest(result.processId, result.secretKey));
      },
    };
  } catch (err) {
    frames.detach();
    socket.destroy();
    throw err instanceof UpstreamError ? err : new UpstreamError(`database login failed: ${(err as Error).message}`);
  }
}

async function connectTransport(target: PostgresTarget): Promise<Socket> {
  const plain = await new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host: target.host, port: target.port });
    s.once('connect', () => resolve(s));
    s.once('error', (e) =>
      reject(new UpstreamError(`cannot reach the database (${(e as NodeJS.ErrnoException).code ?? e.message})`)),
    );
  });
  if (target.tls === 'disable') return plain;
  plain.write(encodeSSLRequest());
  const answer = await new Promise<Buffer>((resolve, reject) => {
    plain.once('data', resolve);
    plain.once('error', reject);
  });
  if (answer.length !== 1 || answer[0] !== 0x53) {
    plain.destroy();
    throw new UpstreamError('the database does not offer TLS, which this connection requires');
  }
  return new Promise<Socket>((resolve, reject) => {
    const secure = tlsConnect({
      socket: plain,
      servername: isLoopback(target.host) ? undefined : target.host,
      rejectUnauthorized: target.tls === 'verify-full',
      ...(target.ca ? { ca: target.ca } : {}),
    });
    secure.once('secureConnect', () => resolve(secure));
    secure.once('error', (e) => reject(new UpstreamError(`TLS to the database failed (${e.message})`)));
  });
}

type Session = Pick<Upstream, 'parameters' | 'processId' | 'secretKey' | 'status'>;

/**
 * With a password configured, the server must prove it knows it (a verified SCRAM exchange) unless its
 * identity is already proven: otherwise an impostor could answer "ok" and receive the session, or ask for
 * cleartext or md5 and collect the password (md5 also allows an offline dictionary attack).
 */
async function authenticate(
  socket: Socket,
  frames: FrameSource,
  creds: PostgresCredentials,
  serverProven: boolean,
): Promise<Session> {
  const session: Session = { parameters: [], processId: 0, secretKey: 0, status: 'I' };
  const state: AuthState = { proved: false };
  for (;;) {
    const f = await frames.next();
    switch (f.type) {
      case BackendType.Authentication: {
        const auth = decodeAuthentication(f.body);
        if (auth.kind === 'ok') {
          if (creds.password !== undefined && !state.proved && !serverProven) {
            throw new UpstreamError(
              'the database accepted the login without proving it knows the password; use SCRAM or tls: verify-full',
            );
          }
          break;
        }
        await answerAuthentication(socket, auth, creds, serverProven, state);
        break;
      }
      case BackendType.ParameterStatus: {
        const p = decodeParameterStatus(f.body);
        session.parameters.push([p.name, p.value]);
        break;
      }
      case BackendType.BackendKeyData: {
        const k = decodeBackendKeyData(f.body);
        session.processId = k.processId;
        session.secretKey = k.secretKey;
        break;
      }
      case BackendType.ReadyForQuery:
        session.status = decodeReadyForQuery(f.body);
        return session;
      case BackendType.ErrorResponse: {
        const e = decodeErrorFields(f.body);
        throw new UpstreamError(`the database refused the session: ${e.message}`, e.code);
      }
      default:
        // NoticeResponse and NegotiateProtocolVersion during startup carry nothing the broker needs.
        break;
    }
  }
}

interface AuthState {
  scram?: ScramClient;
  proved: boolean;
}

async function answerAuthentication(
  socket: Socket,
  auth: Exclude<ReturnType<typeof decodeAuthentication>, { kind: 'ok' }>,
  creds: PostgresCredentials,
  serverProven: boolean,
  state: AuthState,
): Promise<void> {
  const password = () => {
    if (creds.password === undefined)
      throw new UpstreamError('the database asked for a password and this connection has none configured');
    return creds.password;
  };
  if (auth.kind === 'cleartext' || auth.kind === 'md5') {
    if (!serverProven)
      throw new UpstreamError(
        `the database asked for a ${auth.kind} password from a server whose identity is not verified; use SCRAM or tls: verify-full`,
      );
    socket.write(
      encodePasswordMessage(auth.kind === 'md5' ? md5PasswordHash(creds.user, password(), auth.salt) : password()),
    );
  } else if (auth.kind === 'sasl') {
    if (!auth.mechanisms.includes('SCRAM-SHA-256'))
      throw new UpstreamError('the database offers no SASL mechanism the broker supports');
    state.scram = new ScramClient(password(), { keyCache: scramKeys });
    socket.write(encodeSaslInitialResponse('SCRAM-SHA-256', Buffer.from(state.scram.clientFirstMessage())));
  } else if (auth.kind === 'sasl-continue' && state.scram) {
    socket.write(encodeSaslResponse(Buffer.from(await state.scram.handleServerFirstAsync(auth.data))));
  } else if (auth.kind === 'sasl-final' && state.scram) {
    state.scram.verifyServerFinal(auth.data);
    state.proved = true;
  } else {
    throw new UpstreamError('the database asked for an authentication method the broker does not support');
  }
}

interface FrameSource {
  next(): Promise<Frame>;
  detach(): void;
}

/** Reads frames from the socket during login; detached afterwards so the relay takes over. */
function frameIterator(socket: Socket, reader: FrameReader): FrameSource {
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const onData = (d: Buffer) => {
    reader.push(d);
    wake?.();
  };
  const onEnd = () => {
    failure = new UpstreamError('the database closed the connection during login');
    wake?.();
  };
  const onError = (e: Error) => {
    failure = new UpstreamError(`database connection error (${e.message})`);
    wake?.();
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', onError);
  return {
    async next() {
      for (;;) {
        const f = reader.read();
        if (f) return f;
        if (failure) throw failure;
        await new Promise<void>((r) => (wake = r));
      }
    },
    detach() {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => (t = setTimeout(() => reject(new UpstreamError(message)), ms))),
  ]).finally(() => clearTimeout(t));
}
