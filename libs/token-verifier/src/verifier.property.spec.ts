import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { JwksCache } from './jwks-cache';
import { REJECT_REASONS } from './reasons';
import { TokenVerifier } from './verifier';

const TENANT = '3f9c1e2a-7b4d-4c8e-9a6f-1d2e3b4c5a60';
const ISSUER = `http://127.0.0.1:1/${TENANT}/v2.0`;
const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'k1' };

// Keys served from memory: the property exercises the verifier, not the network.
const jwks = new JwksCache({ fetch: (async () => new Response(JSON.stringify({ keys: [jwk] }))) as typeof fetch });
const verifier = new TokenVerifier({
  providers: [
    {
      name: 'p',
      kind: 'entra',
      issuer: `http://127.0.0.1:1/{tenantid}/v2.0`,
      tenants: [TENANT],
      audiences: ['api'],
      jwksUri: 'http://127.0.0.1:1/keys',
    },
  ],
  jwks,
});

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function assertRejected(result: Awaited<ReturnType<TokenVerifier['verify']>>): void {
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(REJECT_REASONS).toContain(result.reason);
    // Nothing here is validly signed, so nothing may be attributed.
    expect(result.issuer).toBeUndefined();
    expect(result.subject).toBeUndefined();
  }
}

describe('verify() on hostile input', () => {
  it('never throws and never accepts arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (token) => assertRejected(await verifier.verify(token))),
      { numRuns: 300 },
    );
  });

  it('never throws and never accepts structurally valid tokens with random headers and claims', async () => {
    const header = fc.record(
      {
        alg: fc.constantFrom('RS256', 'PS256', 'ES256', 'none', 'HS256'),
        kid: fc.constantFrom('k1', 'k2', '__proto__'),
        typ: fc.constantFrom('JWT', 'at+jwt', 'id_token'),
      },
      { requiredKeys: ['alg'] },
    );
    const payload = fc.record(
      {
        iss: fc.constantFrom(ISSUER, 'https://sts.windows.net/' + TENANT + '/', 'x'),
        aud: fc.oneof(fc.constant('api'), fc.jsonValue()),
        tid: fc.oneof(fc.constant(TENANT), fc.jsonValue()),
        exp: fc.oneof(fc.integer(), fc.jsonValue()),
        groups: fc.jsonValue(),
        _claim_names: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(header, payload, fc.base64String({ maxLength: 400 }), async (h, p, sig) => {
        assertRejected(
          await verifier.verify(`${b64(h)}.${b64(p)}.${sig.replace(/=/g, '').replace(/\+/g, '-').replace(/\//g, '_')}`),
        );
      }),
      { numRuns: 300 },
    );
  });
});
