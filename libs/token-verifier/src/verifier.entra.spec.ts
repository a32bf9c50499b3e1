import {
  BOB_OID,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  DEV_API_APP_ID_URI,
  DEV_CLI_APP_ID,
  DEV_GROUP_NAMES,
  DEV_TENANT,
  GROUP_AUDITORS,
} from '@portcullis/dev-identities';
import { JwksCache } from './jwks-cache';
import { MSA_CONSUMER_TENANT } from './providers';
import { devProvider, startHarness } from './testing/harness';
import type { Harness } from './testing/harness';
import { TokenVerifier } from './verifier';
import type { ProviderConfig, VerifyResult } from './types';

const OTHER_TENANT = '11111111-2222-4333-8444-555555555555';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

function expectReject(result: VerifyResult, reason: string): void {
  expect(result).toMatchObject({ ok: false, reason });
}

function verifierWith(overrides: Partial<ProviderConfig>): TokenVerifier {
  return new TokenVerifier({ providers: [devProvider(h.idp, overrides)], jwks: h.jwks, groupNames: DEV_GROUP_NAMES });
}

describe('delegated (human) tokens', () => {
  it('maps a delegated token to a human principal keyed on oid, not sub or preferred_username', async () => {
    const result = await h.verifier.verify(await h.idp.sign(h.idp.userClaims()));
    expect(result).toEqual({
      ok: true,
      principal: expect.objectContaining({
        id: BOB_OID,
        kind: 'human',
        tenant: DEV_TENANT,
        displayName: 'Bob (auditor)',
        groups: [GROUP_AUDITORS],
        groupNames: ['auditors'],
        appId: DEV_CLI_APP_ID,
      }),
    });
  });
});

describe('token version and issuer format', () => {
  it('refuses a v1 token (sts.windows.net issuer, ver 1.0) where v2 is expected', async () => {
    const claims = h.idp.appClaims();
    const v1 = {
      ...claims,
      iss: `https://sts.windows.net/${DEV_TENANT}/`,
      ver: '1.0',
      appid: CODE_REVIEW_BOT_APP_ID,
      aud: DEV_API_APP_ID_URI,
    };
    expectReject(await h.verifier.verify(await h.idp.sign(v1)), 'wrong_issuer');
  });

  it('accepts the same v1 token when the provider accepts v1', async () => {
    const claims = h.idp.appClaims();
    const { azp: _azp, ...rest } = claims;
    const v1 = {
      ...rest,
      iss: `https://sts.windows.net/${DEV_TENANT}/`,
      ver: '1.0',
      appid: CODE_REVIEW_BOT_APP_ID,
      aud: DEV_API_APP_ID_URI,
    };
    const result = await verifierWith({ acceptedVersions: ['1.0', '2.0'] }).verify(await h.idp.sign(v1));
    expect(result).toMatchObject({ ok: true, principal: { id: CODE_REVIEW_BOT_OID, appId: CODE_REVIEW_BOT_APP_ID } });
  });

  it('refuses a ver that contradicts the issuer format', async () => {
    const token = await h.idp.sign({ ...h.idp.appClaims(), ver: '1.0' });
    const result = await h.verifier.verify(token);
    expectReject(result, 'wrong_issuer');
    // The signature verified, so the rejection may say whose token it was.
    expect(result).toMatchObject({ issuer: h.idp.issuer, subject: CODE_REVIEW_BOT_OID });
  });

  it('refuses an issuer no provider trusts', async () => {
    const token = await h.idp.sign({ ...h.idp.appClaims(), iss: 'https://evil.example/v2.0' });
    const result = await h.verifier.verify(token);
    expectReject(result, 'wrong_issuer');
    expect(result).not.toHaveProperty('issuer');
  });
});

describe('tenants', () => {
  it('refuses a token from another tenant', async () => {
    const token = await h.idp.sign({
      ...h.idp.appClaims(),
      iss: `${h.idp.url}/${OTHER_TENANT}/v2.0`,
      tid: OTHER_TENANT,
    });
    expectReject(await h.verifier.verify(token), 'wrong_tenant');
  });

  it('refuses the MSA consumer tenant unless explicitly listed', async () => {
    const msa = { ...h.idp.appClaims(), iss: `${h.idp.url}/${MSA_CONSUMER_TENANT}/v2.0`, tid: MSA_CONSUMER_TENANT };
    const result = await h.verifier.verify(await h.idp.sign(msa));
    expectReject(result, 'wrong_tenant');
    expect((result as { detail: string }).detail).toMatch(/consumer/);
    const allowing = verifierWith({ tenants: [DEV_TENANT, MSA_CONSUMER_TENANT], jwksUri: h.idp.jwksUri });
    expect((await allowing.verify(await h.idp.sign(msa))).ok).toBe(true);
  });

  it('refuses a tid that differs from the tenant in the issuer', async () => {
    const verifier = verifierWith({ tenants: [DEV_TENANT, OTHER_TENANT], jwksUri: h.idp.jwksUri });
    const token = await h.idp.sign({ ...h.idp.appClaims(), tid: OTHER_TENANT });
    expectReject(await verifier.verify(token), 'wrong_issuer');
  });

  it('refuses a token without tid', async () => {
    const { tid: _tid, ...rest } = h.idp.appClaims();
    const verifier = verifierWith({ issuer: h.idp.issuer, jwksUri: h.idp.jwksUri });
    expectReject(await verifier.verify(await h.idp.sign(rest)), 'wrong_tenant');
  });
});

describe('agent / human classification', () => {
  it('treats roles-only tokens without idtyp as agents and scp tokens as humans', async () => {
    const { idtyp: _i, ...noIdtyp } = h.idp.appClaims();
    expect(await h.verifier.verify(await h.idp.sign(noIdtyp))).toMatchObject({
      ok: true,
      principal: { kind: 'agent' },
    });
    const user = h.idp.userClaims();
    expect(await h.verifier.verify(await h.idp.sign(user))).toMatchObject({ ok: true, principal: { kind: 'human' } });
  });

  it('refuses contradictory markers', async () => {
    const app = h.idp.appClaims();
    expectReject(await h.verifier.verify(await h.idp.sign({ ...app, scp: 'access_as_user' })), 'not_access_token');
    expectReject(
      await h.verifier.verify(await h.idp.sign({ ...h.idp.userClaims(), idtyp: 'user', scp: undefined })),
      'not_access_token',
    );
    expectReject(await h.verifier.verify(await h.idp.sign({ ...app, idtyp: 'device' })), 'not_access_token');
    const { idtyp: _i, roles: _r, ...bare } = app;
    expectReject(await h.verifier.verify(await h.idp.sign(bare)), 'not_access_token');
  });

  it('refuses claims of the wrong type rather than dropping them', async () => {
    const app = h.idp.appClaims();
    expectReject(await h.verifier.verify(await h.idp.sign({ ...app, groups: 'admins' })), 'malformed');
    expectReject(await h.verifier.verify(await h.idp.sign({ ...app, roles: [1] })), 'malformed');
    expectReject(await h.verifier.verify(await h.idp.sign({ ...app, exp: '9999999999' })), 'malformed');
    const { oid: _o, ...noOid } = app;
    expectReject(await h.verifier.verify(await h.idp.sign(noOid)), 'malformed');
  });
});

describe('key discovery', () => {
  it('finds the JWKS through OIDC discovery when no jwksUri is configured', async () => {
    const jwks = new JwksCache();
    const { jwksUri: _j, ...provider } = devProvider(h.idp);
    const verifier = new TokenVerifier({ providers: [provider], jwks });
    const before = h.idp.stats().discoveryRequests;
    expect((await verifier.verify(await h.idp.sign(h.idp.appClaims()))).ok).toBe(true);
    expect((await verifier.verify(await h.idp.sign(h.idp.appClaims()))).ok).toBe(true);
    expect(h.idp.stats().discoveryRequests).toBe(before + 1);
  });

  it('reports jwks_unavailable when the issuer cannot be reached and nothing is cached', async () => {
    const verifier = new TokenVerifier({
      providers: [devProvider(h.idp, { jwksUri: 'http://127.0.0.1:9/keys' })],
      jwks: new JwksCache({ fetchTimeoutMs: 500 }),
    });
    expectReject(await verifier.verify(await h.idp.sign(h.idp.appClaims())), 'jwks_unavailable');
  });

  it('refuses plain-http JWKS URIs off loopback unless allowed', async () => {
    const verifier = new TokenVerifier({
      providers: [devProvider(h.idp, { jwksUri: 'http://keys.example/keys' })],
      jwks: new JwksCache(),
    });
    expectReject(await verifier.verify(await h.idp.sign(h.idp.appClaims())), 'jwks_unavailable');
  });
});

describe('generic OIDC providers', () => {
  it('verifies against an exact issuer and keys the principal on sub', async () => {
    const verifier = new TokenVerifier({
      providers: [
        { name: 'oidc', kind: 'oidc', issuer: h.idp.issuer, audiences: ['portcullis'], jwksUri: h.idp.jwksUri },
      ],
      jwks: h.jwks,
    });
    const now = Math.floor(Date.now() / 1000);
    const token = await h.idp.sign({
      iss: h.idp.issuer,
      aud: ['portcullis', 'other'],
      sub: 'svc-1',
      client_id: 'svc-1',
      exp: now + 60,
      iat: now,
      jti: 'j1',
      scope: 'read',
    });
    expect(await verifier.verify(token)).toMatchObject({
      ok: true,
      principal: { id: 'svc-1', kind: 'agent', tokenId: 'j1', tenant: null },
    });
    const human = await h.idp.sign({
      iss: h.idp.issuer,
      aud: 'portcullis',
      sub: 'u-1',
      azp: 'web',
      exp: now + 60,
      scope: 'openid read',
      name: 'U',
    });
    expect(await verifier.verify(human)).toMatchObject({ ok: true, principal: { id: 'u-1', kind: 'human' } });
  });
});

describe('configuration', () => {
  it('refuses invalid provider configuration with the key named', () => {
    const jwks = new JwksCache();
    expect(() => new TokenVerifier({ providers: [], jwks })).toThrow(/providers/);
    expect(() => new TokenVerifier({ providers: [{ name: 'e', kind: 'entra', audiences: ['a'] }], jwks })).toThrow(
      /tenants/,
    );
    expect(() => new TokenVerifier({ providers: [{ name: 'o', kind: 'oidc', audiences: ['a'] }], jwks })).toThrow(
      /issuer/,
    );
    expect(
      () =>
        new TokenVerifier({ providers: [{ name: 'e', kind: 'entra', tenants: [DEV_TENANT], audiences: [] }], jwks }),
    ).toThrow(/audiences/);
  });
});
