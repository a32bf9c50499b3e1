import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { saslprep } from './saslprep';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

export type ScramErrorCode =
  /** Methods called out of order (or twice). */
  | 'state'
  /** server-first-message does not parse, or its nonce does not extend ours. */
  | 'bad_server_first'
  /** Iteration count above the configured ceiling. */
  | 'iterations'
  /** server-final-message does not parse. */
  | 'bad_server_final'
  /** The server answered e=...: it rejected our proof. */
  | 'server_error'
  /** The server's signature is wrong: it does not know the password; do not trust it. */
  | 'bad_signature';

export class ScramError extends Error {
  override readonly name = 'ScramError';

  constructor(
    readonly code: ScramErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ScramClientOptions {
  /** Fixed client nonce, for tests only (printable, no ','). Default: 18 random bytes, base64. */
  readonly nonce?: string;
  /** SCRAM user name. PostgreSQL ignores it (the startup user counts) and libpq sends '', the default. */
  readonly username?: string;
  /**
   * Ceiling on the server's iteration count (default 100000; Postgres uses 4096). PBKDF2 runs once
   * per iteration: an upstream (or someone in the path) asking for 2^31 would stall the broker.
   */
  readonly maxIterations?: number;
  /** Reuse derived keys across connections to the same upstream role (same salt and count). */
  readonly keyCache?: ScramKeyCache;
}

/**
 * Salted passwords by (password, salt, iterations). PBKDF2 at 4096 iterations costs milliseconds of
 * CPU per connection; the salt and count are fixed per upstream role, so one derivation serves every
 * later connection. Keyed by a digest of the password, so one cache may serve several credentials.
 */
export class ScramKeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 64) {}

  /** @internal */
  key(password: string, salt: Buffer, iterations: number): string {
    const digest = createHash('sha256').update(password).digest('base64');
    return `${digest}:${salt.toString('base64')}:${iterations}`;
  }

  /** @internal */
  get(key: string): Buffer | undefined {
    return this.entries.get(key);
  }

  /** @internal */
  set(key: string, salted: Buffer): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, salted);
  }
}

interface ServerFirst {
  readonly raw: string;
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** base64('n,,'): the GS2 header for "client does not support channel binding". */
const CHANNEL_BINDING = 'biws';

/**
 * SCRAM-SHA-256 client (RFC 5802, RFC 7677) as libpq speaks it to PostgreSQL: no channel binding
 * ("n,,"), empty user name (the server uses the startup user), SASLprep'd password. Use it for the
 * broker's login to the upstream: clientFirstMessage() → SASLInitialResponse, handleServerFirst()
 * → SASLResponse, verifyServerFinal() on AuthenticationSASLFinal, which throws unless the server
 * proved it knows the password.
 */
export class ScramClient {
  private readonly clientNonce: string;
  private readonly maxIterations: number;
  private state: 'initial' | 'first-sent' | 'deriving' | 'final-sent' | 'done' = 'initial';
  private serverSignature: Buffer | null = null;

  constructor(
    private readonly password: string,
    private readonly options: ScramClientOptions = {},
  ) {
    this.clientNonce = options.nonce ?? randomBytes(18).toString('base64');
    if (!/^[\x21-\x2b\x2d-\x7e]+$/.test(this.clientNonce))
      throw new RangeError('SCRAM nonce must be printable, no ","');
    this.maxIterations = options.maxIterations ?? 100_000;
  }

  get mechanism(): string {
    return SCRAM_SHA_256;
  }

  clientFirstMessage(): string {
    this.expect('initial');
    this.state = 'first-sent';
    return `n,,${this.clientFirstBare()}`;
  }

  /** Returns client-final-message. Runs PBKDF2 on this thread unless the key cache has it. */
  handleServerFirst(data: Uint8Array | string): string {
    this.expect('first-sent');
    const first = this.parseServerFirst(data);
    const cache = this.options.keyCache;
    const key = cache?.key(this.password, first.salt, first.iterations);
    let salted = key === undefined ? undefined : cache!.get(key);
    if (salted === undefined) {
      salted = pbkdf2Sync(saslprep(this.password), first.salt, first.iterations, 32, 'sha256');
      if (key !== undefined) cache!.set(key, salted);
    }
    return this.finish(first, salted);
  }

  /** As handleServerFirst, with PBKDF2 on libuv's thread pool so the event loop keeps serving sessions. */
  async handleServerFirstAsync(data: Uint8Array | string): Promise<string> {
    this.expect('first-sent');
    const first = this.parseServerFirst(data);
    this.state = 'deriving'; // claim the step now: a second call while we await must fail
    const cache = this.options.keyCache;
    const key = cache?.key(this.password, first.salt, first.iterations);
    let salted = key === undefined ? undefined : cache!.get(key);
    if (salted === undefined) {
      salted = await new Promise<Buffer>((resolve, reject) =>
        pbkdf2(saslprep(this.password), first.salt, first.iterations, 32, 'sha256', (err, out) =>
          err ? reject(err) : resolve(out),
        ),
      );
      if (key !== undefined) cache!.set(key, salted);
    }
    return this.finish(first, salted);
  }

  /** Throws ScramError unless server-final-message carries the signature only the password yields. */
  verifyServerFinal(data: Uint8Array | string): void {
    this.expect('final-sent');
    this.state = 'done';
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    if (text.startsWith('e=')) throw new ScramError('server_error', `server rejected SCRAM: ${text.slice(2)}`);
    const m = /^v=([A-Za-z0-9+/=]+)$/.exec(text);
    if (!m || !BASE64.test(m[1]!)) throw new ScramError('bad_server_final', 'malformed server-final-message');
    const got = Buffer.from(m[1]!, 'base64');
    const want = this.serverSignature!;
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new ScramError('bad_signature', 'server signature does not match: the server does not know the password');
    }
  }

  private clientFirstBare(): string {
    // RFC 5802 saslname: '=' and ',' are escaped.
    const name = (this.options.username ?? '').replace(/=/g, '=3D').replace(/,/g, '=2C');
    return `n=${name},r=${this.clientNonce}`;
  }

  private parseServerFirst(data: Uint8Array | string): ServerFirst {
    const raw = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    // RFC 5802: r, s, i in this order; optional extensions after; a leading m= (mandatory extension) is fatal.
    const m = /^r=([\x21-\x2b\x2d-\x7e]+),s=([^,]+),i=([1-9][0-9]{0,9})(?:,[a-zA-Z]=[^,]*)*$/.exec(raw);
    if (!m) throw new ScramError('bad_server_first', 'malformed server-first-message');
    const [, nonce, saltText, iterText] = m as unknown as [string, string, string, string];
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) {
      throw new ScramError('bad_server_first', 'server nonce does not extend the client nonce');
    }
    if (!BASE64.test(saltText)) throw new ScramError('bad_server_first', 'salt is not base64');
    const iterations = Number(iterText);
    if (iterations > this.maxIterations) {
      throw new ScramError('iterations', `server asks for ${iterations} iterations (limit ${this.maxIterations})`);
    }
    return { raw, nonce, salt: Buffer.from(saltText, 'base64'), iterations };
  }

  private finish(first: ServerFirst, salted: Buffer): string {
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=${CHANNEL_BINDING},r=${first.nonce}`;
    const authMessage = `${this.clientFirstBare()},${first.raw},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    for (let i = 0; i < clientKey.length; i++) clientKey[i]! ^= signature[i]!;
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    this.state = 'final-sent';
    return `${withoutProof},p=${clientKey.toString('base64')}`;
  }

  private expect(state: ScramClient['state']): void {
    if (this.state !== state) throw new ScramError('state', `SCRAM step out of order (state ${this.state})`);
  }
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
