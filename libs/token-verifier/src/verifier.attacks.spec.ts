import { execFileSync } from 'node:child_process';
import { createHmac, createPublicKey, createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { KeyLike } from 'jose';
import {
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  DEV_CLI_APP_ID,
  DEV_TENANT,
  GROUP_DB_READERS,
  ROLE_AGENT,
} from '@portcullis/dev-identities';
import { assemble, b64url, nowSeconds, startHarness, startStub } from './testing/harness';
import type { Harness, StubServer } from './testing/harness';
import type { VerifyResult } from './types';

let h: Harness;
let attackerHost: StubServer;
let attacker: { privateKey: KeyLike; jwk: Record<string, unknown> };

const ATTACKER_KID = 'attacker-key-1';

beforeAll(async () => {
  h = await startHarness();
  const pair = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  attacker = {
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid: ATTACKER_KID, use: 'sig' },
  };
  attackerHost = await startStub(() => ({ status: 200, body: { keys: [attacker.jwk] } }));
});

afterAll(async () => {
  await h.close();
  await attackerHost.close();
});

function expectReject(result: VerifyResult, reason: string): void {
  expect(result).toMatchObject({ ok: false, reason });
}

async function attackerSigned(header: Record<string, unknown>, payload: object): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header } as { alg: string })
    .sign(attacker.privateKey);
}

describe('genuine tokens', () => {
  // Tokens from the dev issuer's real token endpoint are verified end to end in tools/dev-idp's specs.
  it('accepts an Entra v2 app-only token and maps it to an agent principal', async () => {
    const token = await h.idp.sign(h.idp.appClaims());
    const result = await h.verifier.verify(token);
    expect(result).toEqual({
      ok: true,
      principal: expect.objectContaining({
        id: CODE_REVIEW_BOT_OID,
        tenant: DEV_TENANT,
        kind: 'agent',
        groups: [GROUP_DB_READERS],
        groupNames: ['db-readers'],
        roles: [ROLE_AGENT],
        appId: CODE_REVIEW_BOT_APP_ID,
        issuer: h.idp.issuer,
        provider: 'dev-entra',
      }),
    });
    if (result.ok) {
      expect(result.principal.expiresAt).toBeGreaterThan(nowSeconds());
      expect(result.principal.tokenId).toEqual(expect.any(String));
    }
  });
});

describe('algorithm attacks', () => {
  it('refuses alg none (unsigned) tokens', async () => {
    const token = assemble({ alg: 'none', typ: 'JWT', kid: h.idp.activeKid() }, h.idp.appClaims());
    expectReject(await h.verifier.verify(token), 'alg_not_allowed');
    const upper = assemble({ alg: 'NONE', kid: h.idp.activeKid() }, h.idp.appClaims(), 'AAAA');
    expectReject(await h.verifier.verify(upper), 'alg_not_allowed');
  });

  const hs256 = (key: Buffer | string, payload: object): string => {
    const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT', kid: h.idp.activeKid() })}.${b64url(payload)}`;
    return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
  };

  it('refuses HS256 signed with the issuer RSA public key as PEM', async () => {
    const jwks = (await (await fetch(h.idp.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    const pem = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expectReject(await h.verifier.verify(hs256(pem as string, h.idp.appClaims())), 'alg_not_allowed');
  });

  it('refuses HS256 signed with the issuer public JWK bytes', async () => {
    const jwksText = await (await fetch(h.idp.jwksUri)).text();
    const jwkText = JSON.stringify((JSON.parse(jwksText) as { keys: unknown[] }).keys[0]);
    expectReject(await h.verifier.verify(hs256(jwkText, h.idp.appClaims())), 'alg_not_allowed');
    expectReject(await h.verifier.verify(hs256(Buffer.from(jwksText), h.idp.appClaims())), 'alg_not_allowed');
  });

  it('refuses other algorithms outright (RS512, ES512, EdDSA)', async () => {
    for (const alg of ['RS512', 'ES512', 'EdDSA', 'HS512', '']) {
      const token = assemble({ alg, kid: h.idp.activeKid() }, h.idp.appClaims(), 'AAAA');
      expectReject(await h.verifier.verify(token), 'alg_not_allowed');
    }
  });
});

describe('key selection attacks', () => {
  it('refuses an unknown kid', async () => {
    const token = await h.idp.sign(h.idp.appClaims(), { kid: 'not-a-published-kid' });
    expectReject(await h.verifier.verify(token), 'unknown_key');
  });

  it.each(['../../etc/passwd', "' OR 1=1 --", '__proto__', 'constructor', '${jndi:ldap://x}', '%00', 'a'.repeat(2000)])(
    'treats kid %p as an opaque lookup that misses',
    async (kid) => {
      const token = await h.idp.sign(h.idp.appClaims(), { kid });
      expectReject(await h.verifier.verify(token), 'unknown_key');
    },
  );

  it('ignores a jku header pointing at an attacker key set (never fetched)', async () => {
    const before = attackerHost.requests.length;
    const token = await attackerSigned({ kid: ATTACKER_KID, jku: `${attackerHost.url}/jwks` }, h.idp.appClaims());
    expectReject(await h.verifier.verify(token), 'unknown_key');
    const sameKid = await attackerSigned(
      { kid: h.idp.activeKid(), jku: `${attackerHost.url}/jwks` },
      h.idp.appClaims(),
    );
    expectReject(await h.verifier.verify(sameKid), 'bad_signature');
    expect(attackerHost.requests.length).toBe(before);
  });

  it('ignores an x5u header pointing at an attacker certificate (never fetched)', async () => {
    const before = attackerHost.requests.length;
    const token = await attackerSigned(
      { kid: h.idp.activeKid(), x5u: `${attackerHost.url}/cert.pem` },
      h.idp.appClaims(),
    );
    expectReject(await h.verifier.verify(token), 'bad_signature');
    expect(attackerHost.requests.length).toBe(before);
  });

  it('ignores an attacker key embedded in the jwk header', async () => {
    const payload = h.idp.appClaims();
    const withRealKid = await attackerSigned({ kid: h.idp.activeKid(), jwk: attacker.jwk }, payload);
    expectReject(await h.verifier.verify(withRealKid), 'bad_signature');
    const withOwnKid = await attackerSigned({ kid: ATTACKER_KID, jwk: attacker.jwk }, payload);
    expectReject(await h.verifier.verify(withOwnKid), 'unknown_key');
  });

  it('ignores an attacker certificate embedded in x5c', async () => {
    // A real self-signed certificate for a real attacker key, so a verifier
    // that did honour x5c would accept the token.
    const dir = mkdtempSync(join(tmpdir(), 'tv-x5c-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'k.pem'),
          '-out',
          join(dir, 'c.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=attacker',
        ],
        { stdio: 'ignore' },
      );
      const certPem = readFileSync(join(dir, 'c.pem'), 'utf8');
      const keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
      const x5c = [certPem.replace(/-----[^-]+-----|\s/g, '')];
      const header = { alg: 'RS256', typ: 'JWT', kid: h.idp.activeKid(), x5c };
      const input = `${b64url(header)}.${b64url(h.idp.appClaims())}`;
      const sig = createSign('RSA-SHA256').update(input).sign(keyPem).toString('base64url');
      expectReject(await h.verifier.verify(`${input}.${sig}`), 'bad_signature');
      const ownKid = { ...header, kid: 'x5c-attacker' };
      const input2 = `${b64url(ownKid)}.${b64url(h.idp.appClaims())}`;
      const sig2 = createSign('RSA-SHA256').update(input2).sign(keyPem).toString('base64url');
      expectReject(await h.verifier.verify(`${input2}.${sig2}`), 'unknown_key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a token signed by an unrelated key under the real kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: h.idp.activeKid() })}.${b64url(h.idp.appClaims())}`;
    const sig = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    expectReject(await h.verifier.verify(`${input}.${sig}`), 'bad_signature');
  });
});

describe('header rules', () => {
  it('refuses an unknown critical header', async () => {
    const token = await h.idp.sign(h.idp.appClaims(), {
      crit: ['urn:example:must-understand'],
      'urn:example:must-understand': true,
    });
    expectReject(await h.verifier.verify(token), 'unsupported_header');
  });

  it('refuses a token without kid', async () => {
    const token = await h.idp.sign(h.idp.appClaims(), { kid: undefined });
    expectReject(await h.verifier.verify(token), 'malformed');
  });
});

describe('lifetime', () => {
  const base = (): Record<string, unknown> => h.idp.appClaims();

  it('refuses an expired token, but tolerates expiry within the clock skew', async () => {
    const now = nowSeconds();
    expectReject(
      await h.verifier.verify(await h.idp.sign({ ...base(), iat: now - 7200, nbf: now - 7200, exp: now - 61 })),
      'expired',
    );
    const withinSkew = await h.idp.sign({ ...base(), iat: now - 3600, nbf: now - 3600, exp: now - 30 });
    expect((await h.verifier.verify(withinSkew)).ok).toBe(true);
  });

  it('refuses a token not valid yet (nbf beyond skew)', async () => {
    const now = nowSeconds();
    expectReject(
      await h.verifier.verify(await h.idp.sign({ ...base(), iat: now, nbf: now + 300, exp: now + 3600 })),
      'not_yet_valid',
    );
  });

  it('refuses a token issued in the future (iat beyond skew)', async () => {
    const now = nowSeconds();
    expectReject(
      await h.verifier.verify(await h.idp.sign({ ...base(), iat: now + 300, nbf: now, exp: now + 3600 })),
      'issued_in_future',
    );
  });

  it('requires exp', async () => {
    const { exp: _exp, ...noExp } = base();
    expectReject(await h.verifier.verify(await h.idp.sign(noExp)), 'malformed');
  });
});

describe('audience and token type', () => {
  it('refuses a token for another API', async () => {
    const token = await h.idp.sign({ ...h.idp.appClaims(), aud: '00000003-0000-0000-c000-000000000000' });
    expectReject(await h.verifier.verify(token), 'wrong_audience');
  });

  it('refuses an ID token presented as an access token', async () => {
    const now = nowSeconds();
    const idToken = {
      aud: DEV_CLI_APP_ID,
      iss: h.idp.issuer,
      iat: now,
      nbf: now,
      exp: now + 3600,
      name: 'Alice',
      nonce: 'n-0S6_WzA2Mj',
      oid: CODE_REVIEW_BOT_OID,
      preferred_username: 'alice@dev.portcullis.test',
      sub: 'pairwise-sub',
      tid: DEV_TENANT,
      uti: 'x',
      ver: '2.0',
    };
    expectReject(await h.verifier.verify(await h.idp.sign(idToken)), 'not_access_token');
    // Same app for client and API (aud matches) and no nonce: still an ID token (no azp, no scp/roles).
    const { nonce: _n, ...noNonce } = idToken;
    const sameApp = { ...noNonce, aud: h.provider.audiences[0] };
    expectReject(await h.verifier.verify(await h.idp.sign(sameApp)), 'not_access_token');
    expectReject(await h.verifier.verify(await h.idp.sign({ ...sameApp, azp: DEV_CLI_APP_ID })), 'not_access_token');
    // ID tokens carry the user's app roles too; without azp it must not pass as an app-only token.
    expectReject(
      await h.verifier.verify(await h.idp.sign({ ...sameApp, roles: ['Portcullis.Admin'] })),
      'not_access_token',
    );
    expectReject(
      await h.verifier.verify(await h.idp.sign(h.idp.appClaims(), { typ: 'id_token+jwt' })),
      'not_access_token',
    );
    // ID-token-only claims on an otherwise valid access token are refused too.
    for (const marker of ['nonce', 'at_hash', 'c_hash']) {
      expectReject(
        await h.verifier.verify(await h.idp.sign({ ...h.idp.appClaims(), [marker]: 'x' })),
        'not_access_token',
      );
    }
  });
});

describe('tampering and size', () => {
  it('refuses a truncated signature', async () => {
    const token = await h.idp.sign(h.idp.appClaims());
    for (const cut of [1, 2, 10, 100]) expectReject(await h.verifier.verify(token.slice(0, -cut)), 'bad_signature');
    const [hd, pl] = token.split('.');
    expectReject(await h.verifier.verify(`${hd}.${pl}.`), 'bad_signature');
  });

  it('refuses a tampered payload (one claim changed, signature kept)', async () => {
    const token = await h.idp.sign(h.idp.appClaims());
    const [hd, pl, sig] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(pl, 'base64url').toString()) as Record<string, unknown>;
    const forged = b64url({ ...claims, roles: ['Portcullis.Admin'] });
    const result = await h.verifier.verify(`${hd}.${forged}.${sig}`);
    expectReject(result, 'bad_signature');
    // Unverified: neither issuer nor subject is reported back.
    expect(result).not.toHaveProperty('issuer');
    expect(result).not.toHaveProperty('subject');
  });

  it('refuses an oversized token before decoding anything', async () => {
    expectReject(await h.verifier.verify('%'.repeat(16 * 1024 + 1)), 'too_large');
    const padded = await h.idp.sign({ ...h.idp.appClaims(), pad: 'x'.repeat(16 * 1024) });
    expectReject(await h.verifier.verify(padded), 'too_large');
  });

  it('refuses structurally broken tokens as malformed', async () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c.d.e', '!!.??.**', `${b64url('[1]')}.${b64url('{}')}.AAAA`]) {
      expectReject(await h.verifier.verify(bad), 'malformed');
    }
    expectReject(await h.verifier.verify(undefined as unknown as string), 'malformed');
  });

  it('never echoes the token in a rejection', async () => {
    const token = await h.idp.sign({ ...h.idp.appClaims(), exp: nowSeconds() - 3600 });
    const result = await h.verifier.verify(token);
    expectReject(result, 'expired');
    const text = JSON.stringify(result);
    for (const part of token.split('.')) expect(text).not.toContain(part);
  });
});
