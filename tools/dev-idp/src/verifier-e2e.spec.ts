/**
 * End to end: tokens from this issuer's real token endpoint, over HTTP,
 * verified by @portcullis/token-verifier configured the way the identity
 * service configures it (literal issuer, keys found by OIDC discovery).
 */
import { JwksCache, TokenVerifier } from '@portcullis/token-verifier';
import type { VerifyResult } from '@portcullis/token-verifier';
import { defaultDevIdpConfig } from './config';
import {
  ALICE_OID,
  ALICE_PASSWORD,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  CODE_REVIEW_BOT_SECRET,
  DEV_API_APP_ID,
  DEV_API_APP_ID_URI,
  DEV_CLI_APP_ID,
  DEV_GROUP_NAMES,
  DEV_TENANT,
  GROUP_DB_READERS,
  GROUP_DBA_APPROVERS,
  ROLE_AGENT,
} from './fixtures';
import { startDevIdp } from './server';
import type { DevIdp } from './server';

const HOARDER_APP_ID = '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f06';
const HOARDER_OID = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a07';
const HOARDER_SECRET = 'dev-only-hoarder-secret';

let idp: DevIdp;

beforeAll(async () => {
  const config = defaultDevIdpConfig(DEV_TENANT);
  // More groups than fit in a JWT: the issuer emits Entra's overage pointer instead.
  const groups = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  config.clients.push({
    name: 'group-hoarder',
    clientId: HOARDER_APP_ID,
    clientSecret: HOARDER_SECRET,
    objectId: HOARDER_OID,
    roles: [ROLE_AGENT],
    groups,
  });
  idp = await startDevIdp({ config });
});

afterAll(async () => {
  await idp.close();
});

function verifierFor(jwks = new JwksCache()): TokenVerifier {
  return new TokenVerifier({
    providers: [{ name: 'dev', kind: 'entra', issuer: idp.issuer, tenants: [DEV_TENANT], audiences: [DEV_API_APP_ID] }],
    jwks,
    groupNames: DEV_GROUP_NAMES,
  });
}

async function token(fields: Record<string, string>): Promise<string> {
  const res = await fetch(idp.tokenEndpoint, { method: 'POST', body: new URLSearchParams(fields) });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token endpoint answered ${res.status}`);
  return body.access_token;
}

const agentToken = (clientId = CODE_REVIEW_BOT_APP_ID, secret = CODE_REVIEW_BOT_SECRET): Promise<string> =>
  token({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    scope: `${DEV_API_APP_ID_URI}/.default`,
  });

function expectOk(result: VerifyResult): asserts result is Extract<VerifyResult, { ok: true }> {
  expect(result).toMatchObject({ ok: true });
}

describe('dev issuer tokens through the token verifier', () => {
  it('maps a client-credentials token to an agent principal', async () => {
    const result = await verifierFor().verify(await agentToken());
    expectOk(result);
    expect(result.principal).toEqual({
      id: CODE_REVIEW_BOT_OID,
      tenant: DEV_TENANT,
      kind: 'agent',
      displayName: null,
      groups: [GROUP_DB_READERS],
      groupNames: ['db-readers'],
      roles: [ROLE_AGENT],
      appId: CODE_REVIEW_BOT_APP_ID,
      issuer: idp.issuer,
      provider: 'dev',
      expiresAt: expect.any(Number),
      tokenId: expect.any(String),
    });
    expect(result.principal.expiresAt - Date.now() / 1000).toBeGreaterThan(3500);
  });

  it('maps a password-grant token to a human principal keyed on oid', async () => {
    const access = await token({
      grant_type: 'password',
      client_id: DEV_CLI_APP_ID,
      username: 'alice',
      password: ALICE_PASSWORD,
      scope: `${DEV_API_APP_ID_URI}/access_as_user openid`,
    });
    const result = await verifierFor().verify(access);
    expectOk(result);
    expect(result.principal).toMatchObject({
      id: ALICE_OID,
      kind: 'human',
      displayName: 'Alice (DBA approver)',
      groups: [GROUP_DBA_APPROVERS],
      groupNames: ['dba-approvers'],
      appId: DEV_CLI_APP_ID,
    });
  });

  it('emits the groups overage pointer, which the verifier refuses without Graph', async () => {
    const access = await agentToken(HOARDER_APP_ID, HOARDER_SECRET);
    const claims = JSON.parse(Buffer.from(access.split('.')[1] as string, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims['groups']).toBeUndefined();
    expect(claims['_claim_names']).toEqual({ groups: 'src1' });
    expect(await verifierFor().verify(access)).toMatchObject({
      ok: false,
      reason: 'groups_overage',
      subject: HOARDER_OID,
    });
  });

  it('survives key rotation and a JWKS outage', async () => {
    const local = await startDevIdp();
    let now = 0;
    const verifier = new TokenVerifier({
      providers: [
        { name: 'dev', kind: 'entra', issuer: local.issuer, tenants: [DEV_TENANT], audiences: [DEV_API_APP_ID] },
      ],
      jwks: new JwksCache({ now: () => now }),
    });
    const get = (): Promise<string> =>
      fetch(local.tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CODE_REVIEW_BOT_APP_ID,
          client_secret: CODE_REVIEW_BOT_SECRET,
          scope: `${DEV_API_APP_ID_URI}/.default`,
        }),
      })
        .then((r) => r.json() as Promise<{ access_token: string }>)
        .then((b) => b.access_token);
    try {
      const before = await get();
      expect((await verifier.verify(before)).ok).toBe(true);
      await local.rotateKeys();
      const after = await get();
      now += 5 * 60_000;
      expect((await verifier.verify(after)).ok).toBe(true);
      local.setJwksAvailable(false);
      expect((await verifier.verify(before)).ok).toBe(true);
      expect((await verifier.verify(after)).ok).toBe(true);
    } finally {
      await local.close();
    }
  });
});
