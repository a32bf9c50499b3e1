import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { startTestIssuer } from './testing/test-issuer';
import type { TestIssuer } from './testing/test-issuer';
import { JwksCache, JwksUnavailableError } from './jwks-cache';
import { devProvider, startStub } from './testing/harness';
import { TokenVerifier } from './verifier';

const MINUTE = 60_000;

let idp: TestIssuer;

beforeAll(async () => {
  idp = await startTestIssuer();
});

afterAll(async () => {
  await idp.close();
});

afterEach(async () => {
  idp.setJwksAvailable(true);
});

/** A verifier whose JWKS cache runs on a clock the test moves by hand. */
function setup(opts: { cooldownMs?: number } = {}): {
  verifier: TokenVerifier;
  jwks: JwksCache;
  advance(ms: number): void;
} {
  let t = 1_000_000;
  const jwks = new JwksCache({ now: () => t, refreshCooldownMs: opts.cooldownMs ?? 5 * MINUTE });
  const verifier = new TokenVerifier({ providers: [devProvider(idp)], jwks });
  return { verifier, jwks, advance: (ms) => (t += ms) };
}

const appToken = (): Promise<string> => idp.sign(idp.appClaims());
const fetches = (): number => idp.stats().jwksRequests;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('key rollover', () => {
  it('accepts a new kid after refresh, rate-limited by the cooldown, and keeps verifying old-key tokens', async () => {
    const { verifier, advance } = setup();
    const oldToken = await appToken();
    expect((await verifier.verify(oldToken)).ok).toBe(true);
    const start = fetches();

    await idp.rotateKeys();
    const newToken = await appToken();
    // Just fetched: the cooldown forbids another refresh, so the new kid is not known yet.
    expect(await verifier.verify(newToken)).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(fetches()).toBe(start);

    advance(5 * MINUTE);
    expect((await verifier.verify(newToken)).ok).toBe(true);
    expect(fetches()).toBe(start + 1);
    expect((await verifier.verify(oldToken)).ok).toBe(true);

    // A flood of made-up kids costs no fetch inside the cooldown...
    const bogus = await Promise.all(
      Array.from({ length: 25 }, (_, i) => idp.sign(idp.appClaims(), { kid: `bogus-${i}` })),
    );
    for (const r of await Promise.all(bogus.map((b) => verifier.verify(b))))
      expect(r).toMatchObject({ reason: 'unknown_key' });
    expect(fetches()).toBe(start + 1);
    // ...and exactly one (single-flight) once it has passed.
    advance(5 * MINUTE);
    await Promise.all(bogus.map((b) => verifier.verify(b)));
    expect(fetches()).toBe(start + 2);

    // Once the issuer retires the old key and we refresh, old-key tokens stop verifying.
    idp.retireOldKeys();
    advance(5 * MINUTE);
    await verifier.verify(await idp.sign(idp.appClaims(), { kid: 'trigger-refresh' }));
    expect(await verifier.verify(oldToken)).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect((await verifier.verify(newToken)).ok).toBe(true);
  });
});

describe('issuer outage', () => {
  it('keeps the last known-good set while the JWKS endpoint is down', async () => {
    const { verifier, advance } = setup();
    const token = await appToken();
    expect((await verifier.verify(token)).ok).toBe(true);

    idp.setJwksAvailable(false);
    const before = fetches();
    // Past max age: a background refresh is attempted, fails, and the cached set keeps serving.
    advance(25 * 60 * MINUTE);
    expect((await verifier.verify(token)).ok).toBe(true);
    await settle();
    expect(fetches()).toBe(before + 1);
    expect((await verifier.verify(token)).ok).toBe(true);

    // A rolled key cannot be learned while the issuer is down: that is an availability problem, said so.
    await idp.rotateKeys();
    const rolled = await appToken();
    advance(5 * MINUTE);
    expect(await verifier.verify(rolled)).toMatchObject({ ok: false, reason: 'jwks_unavailable' });
    expect((await verifier.verify(token)).ok).toBe(true);

    idp.setJwksAvailable(true);
    advance(5 * MINUTE);
    expect((await verifier.verify(rolled)).ok).toBe(true);
  });

  it('reports unavailability when nothing was ever fetched, and retries only after a pause', async () => {
    idp.setJwksAvailable(false);
    let t = 0;
    const jwks = new JwksCache({ now: () => t, unavailableRetryMs: 10_000 });
    const before = fetches();
    await expect(jwks.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).rejects.toBeInstanceOf(JwksUnavailableError);
    await expect(jwks.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(fetches()).toBe(before + 1);
    idp.setJwksAvailable(true);
    t += 10_000;
    expect(await jwks.getKey(idp.jwksUri, idp.activeKid(), 'RS256')).not.toBeNull();
  });
});

describe('key set hygiene', () => {
  it('drops keys not meant for verification and strips private members', async () => {
    const rsa = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    // A misconfigured issuer publishing private members: only the public part may be used.
    const privateJwk = { ...(await exportJWK(rsa.privateKey)), kid: 'leaked-private' };
    const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec' };
    const stub = await startStub(() => ({
      status: 200,
      body: {
        keys: [
          { ...privateJwk, use: 'sig' },
          { ...privateJwk, kid: 'enc-key', use: 'enc' },
          { ...privateJwk, kid: 'rs512-only', alg: 'RS512' },
          { kid: 'garbage', kty: 'RSA' },
          'not-a-key',
          { ...privateJwk, kid: 'verify-op', key_ops: ['verify'] },
          ecJwk,
          { ...smallRsa, kid: 'rsa-1024' },
          { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        ],
      },
    }));
    try {
      const jwks = new JwksCache();
      const key = await jwks.getKey(`${stub.url}/keys`, 'leaked-private', 'RS256');
      expect(key).not.toBeNull();
      expect((key as unknown as { type: string }).type).toBe('public');
      expect(await jwks.getKey(`${stub.url}/keys`, 'verify-op', 'RS256')).not.toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'enc-key', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'rs512-only', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'hmac', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'garbage', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'rsa-1024', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'ec', 'ES256')).not.toBeNull();
      // Key type must fit the algorithm: an EC key cannot verify RS256, an RSA key cannot verify ES256.
      expect(await jwks.getKey(`${stub.url}/keys`, 'ec', 'RS256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'leaked-private', 'ES256')).toBeNull();
      expect(await jwks.getKey(`${stub.url}/keys`, 'leaked-private', 'HS256')).toBeNull();
      expect(stub.requests).toHaveLength(1);
    } finally {
      await stub.close();
    }
  });

  it('treats an empty or invalid key set as a failed refresh, keeping the last good one', async () => {
    const good = {
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
      kid: 'good',
    };
    let body: unknown = { keys: [good] };
    const stub = await startStub(() => ({ status: 200, body }));
    try {
      let t = 0;
      const jwks = new JwksCache({ now: () => t });
      expect(await jwks.getKey(`${stub.url}/keys`, 'good', 'RS256')).not.toBeNull();
      for (const broken of [{ keys: [] }, { keys: 'x' }, [], { keys: [{ kty: 'oct', k: 'AA', kid: 'good' }] }]) {
        body = broken;
        t += 5 * MINUTE;
        await expect(jwks.getKey(`${stub.url}/keys`, 'rolled', 'RS256')).rejects.toBeInstanceOf(JwksUnavailableError);
        expect(await jwks.getKey(`${stub.url}/keys`, 'good', 'RS256')).not.toBeNull();
      }
      // With no good set to fall back on, an unusable set means unavailable.
      const fresh = new JwksCache();
      await expect(fresh.getKey(`${stub.url}/other`, 'good', 'RS256')).rejects.toBeInstanceOf(JwksUnavailableError);
    } finally {
      await stub.close();
    }
  });
});
