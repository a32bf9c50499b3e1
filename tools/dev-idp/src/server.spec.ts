import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import {
  BOB_OID,
  BOB_PASSWORD,
  CAROL_OID,
  CAROL_PASSWORD,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  CODE_REVIEW_BOT_SECRET,
  DEPLOY_BOT_APP_ID,
  DEPLOY_BOT_OID,
  DEPLOY_BOT_SECRET,
  DEV_API_APP_ID,
  DEV_API_APP_ID_URI,
  DEV_CLI_APP_ID,
  DEV_TENANT,
  GROUP_ADMINS,
  GROUP_AUDITORS,
  GROUP_DB_READERS,
  GROUP_DEPLOYERS,
  ROLE_ADMIN,
  ROLE_AGENT,
  ROLE_DEPLOYER,
} from './fixtures';
import { startDevIdp } from './server';
import type { DevIdp } from './server';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp();
});

afterAll(async () => {
  await idp.close();
});

const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);
const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;
const headerOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as Record<string, unknown>;

async function post(
  body: URLSearchParams | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(idp.tokenEndpoint, { method: 'POST', body, headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const ccForm = (overrides: Record<string, string> = {}): URLSearchParams =>
  form({
    grant_type: 'client_credentials',
    client_id: CODE_REVIEW_BOT_APP_ID,
    client_secret: CODE_REVIEW_BOT_SECRET,
    scope: `${DEV_API_APP_ID_URI}/.default`,
    ...overrides,
  });

describe('OIDC metadata', () => {
  it('serves Entra-shaped discovery under /{tenant}/v2.0', async () => {
    expect(idp.issuer).toBe(`${idp.url}/${DEV_TENANT}/v2.0`);
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${idp.url}/${DEV_TENANT}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: `${idp.url}/${DEV_TENANT}/discovery/v2.0/keys`,
      token_endpoint: `${idp.url}/${DEV_TENANT}/oauth2/v2.0/token`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('publishes RS256 public keys with kids and no private members', async () => {
    const { keys } = (await (await fetch(idp.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', kid: idp.activeKid(), issuer: idp.issuer });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(keys[0]).not.toHaveProperty(member);
  });

  it('answers an unknown tenant like Entra does', async () => {
    const res = await fetch(`${idp.url}/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });
});

describe('client credentials grant', () => {
  it('issues an Entra v2 app-only token for a form-encoded request', async () => {
    const { status, json, headers } = await post(ccForm());
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(json).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.any(String),
    });
    const token = json['access_token'] as string;
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: idp.activeKid() });
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      aud: DEV_API_APP_ID,
      iss: idp.issuer,
      azp: CODE_REVIEW_BOT_APP_ID,
      azpacr: '1',
      idtyp: 'app',
      oid: CODE_REVIEW_BOT_OID,
      sub: CODE_REVIEW_BOT_OID,
      tid: DEV_TENANT,
      ver: '2.0',
      roles: [ROLE_AGENT],
      groups: [GROUP_DB_READERS],
    });
    for (const c of ['aio', 'rh', 'uti']) expect(typeof claims[c]).toBe('string');
    expect(claims['scp']).toBeUndefined();
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(3600);
    expect(claims['nbf']).toBe(claims['iat']);
    // The signature checks out against the published key.
    const { keys } = (await (await fetch(idp.jwksUri)).json()) as { keys: object[] };
    const [h, p, s] = token.split('.') as [string, string, string];
    const key = createPublicKey({ key: keys[0] as never, format: 'jwk' });
    expect(rsaVerify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from(
      `${encodeURIComponent(DEPLOY_BOT_APP_ID)}:${encodeURIComponent(DEPLOY_BOT_SECRET)}`,
    ).toString('base64');
    const { status, json } = await post(
      form({ grant_type: 'client_credentials', scope: `api://${DEV_API_APP_ID}/.default` }),
      { authorization: `Basic ${basic}` },
    );
    expect(status).toBe(200);
    expect(claimsOf(json['access_token'] as string)).toMatchObject({
      azp: DEPLOY_BOT_APP_ID,
      oid: DEPLOY_BOT_OID,
      roles: [ROLE_AGENT, ROLE_DEPLOYER],
      groups: [GROUP_DEPLOYERS],
    });
  });

  it('refuses a bad secret with 401 invalid_client', async () => {
    const { status, json, headers } = await post(ccForm({ client_secret: 'wrong' }));
    expect(status).toBe(401);
    expect(json).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(String(json['error_description'])).toMatch(/^AADSTS7000215: /);
    expect(headers.get('www-authenticate')).toMatch(/^Basic/);
    const basic = Buffer.from(`${CODE_REVIEW_BOT_APP_ID}:wrong`).toString('base64');
    const viaBasic = await post(form({ grant_type: 'client_credentials', scope: `${DEV_API_APP_ID_URI}/.default` }), {
      authorization: `Basic ${basic}`,
    });
    expect(viaBasic.status).toBe(401);
    const missing = await post(
      form({
        grant_type: 'client_credentials',
        client_id: CODE_REVIEW_BOT_APP_ID,
        scope: `${DEV_API_APP_ID_URI}/.default`,
      }),
    );
    expect(missing).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('refuses unsupported grants, bad scopes, unknown resources and clients', async () => {
    expect(await post(ccForm({ grant_type: 'authorization_code' }))).toMatchObject({
      status: 400,
      json: { error: 'unsupported_grant_type' },
    });
    expect(await post(ccForm({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }))).toMatchObject({
      status: 400,
      json: { error: 'unsupported_grant_type' },
    });
    expect(await post(ccForm({ scope: `${DEV_API_APP_ID_URI}/access_as_user` }))).toMatchObject({
      status: 400,
      json: { error: 'invalid_scope' },
    });
    expect(await post(ccForm({ scope: `${DEV_API_APP_ID_URI}/.default openid` }))).toMatchObject({
      status: 400,
      json: { error: 'invalid_scope' },
    });
    expect(await post(ccForm({ scope: 'api://elsewhere/.default' }))).toMatchObject({
      status: 400,
      json: { error: 'invalid_resource', error_codes: [500011] },
    });
    expect(await post(ccForm({ client_id: '99999999-9999-4999-8999-999999999999' }))).toMatchObject({
      status: 400,
      json: { error: 'unauthorized_client' },
    });
    const { grant_type: _g, ...noGrant } = Object.fromEntries(ccForm());
    expect(await post(form(noGrant))).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(
      await post(JSON.stringify(Object.fromEntries(ccForm())), { 'content-type': 'application/json' }),
    ).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(
      await post(`${ccForm().toString()}&scope=x`, { 'content-type': 'application/x-www-form-urlencoded' }),
    ).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const basic = Buffer.from(`${CODE_REVIEW_BOT_APP_ID}:${CODE_REVIEW_BOT_SECRET}`).toString('base64');
    expect(await post(ccForm(), { authorization: `Basic ${basic}` })).toMatchObject({
      status: 400,
      json: { error: 'invalid_request' },
    });
    const get = await fetch(idp.tokenEndpoint);
    expect(get.status).toBe(405);
  });

  it('never lets a public client use client credentials', async () => {
    expect(await post(ccForm({ client_id: DEV_CLI_APP_ID, client_secret: 'anything' }))).toMatchObject({
      status: 401,
      json: { error: 'invalid_client' },
    });
  });
});

describe('password grant (dev-only ROPC for approvers)', () => {
  it('issues delegated tokens with scp, name, preferred_username and groups', async () => {
    const { status, json } = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'bob',
        password: BOB_PASSWORD,
        scope: `${DEV_API_APP_ID_URI}/access_as_user offline_access`,
      }),
    );
    expect(status).toBe(200);
    expect(json['scope']).toBe(`${DEV_API_APP_ID_URI}/access_as_user`);
    const claims = claimsOf(json['access_token'] as string);
    expect(claims).toMatchObject({
      aud: DEV_API_APP_ID,
      azp: DEV_CLI_APP_ID,
      azpacr: '0',
      scp: 'access_as_user',
      name: 'Bob (auditor)',
      preferred_username: 'bob@dev.portcullis.test',
      oid: BOB_OID,
      groups: [GROUP_AUDITORS],
      tid: DEV_TENANT,
      ver: '2.0',
    });
    expect(claims['idtyp']).toBeUndefined();
    expect(claims['sub']).not.toBe(BOB_OID);
  });

  it('accepts the UPN form and .default, and carries app roles assigned to the user', async () => {
    const { status, json } = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'Carol@dev.portcullis.test',
        password: CAROL_PASSWORD,
        scope: `${DEV_API_APP_ID_URI}/.default`,
      }),
    );
    expect(status).toBe(200);
    expect(claimsOf(json['access_token'] as string)).toMatchObject({
      oid: CAROL_OID,
      groups: [GROUP_ADMINS],
      roles: [ROLE_ADMIN],
      scp: 'access_as_user',
    });
  });

  it('refuses wrong passwords and unknown users alike, and unknown scopes', async () => {
    const wrong = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'bob',
        password: 'nope',
        scope: `${DEV_API_APP_ID_URI}/.default`,
      }),
    );
    const unknown = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'mallory',
        password: 'nope',
        scope: `${DEV_API_APP_ID_URI}/.default`,
      }),
    );
    for (const r of [wrong, unknown])
      expect(r).toMatchObject({ status: 400, json: { error: 'invalid_grant', error_codes: [50126] } });
    const badScope = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'bob',
        password: BOB_PASSWORD,
        scope: `${DEV_API_APP_ID_URI}/sudo`,
      }),
    );
    expect(badScope).toMatchObject({ status: 400, json: { error: 'invalid_scope' } });
    const onlyOidc = await post(
      form({
        grant_type: 'password',
        client_id: DEV_CLI_APP_ID,
        username: 'bob',
        password: BOB_PASSWORD,
        scope: 'openid profile',
      }),
    );
    expect(onlyOidc).toMatchObject({ status: 400, json: { error: 'invalid_scope' } });
  });
});

describe('key rotation and outages', () => {
  it('rotates: signs with the new key, publishes both until the old is retired', async () => {
    const local = await startDevIdp();
    try {
      const oldKid = local.activeKid();
      const newKid = await local.rotateKeys();
      expect(newKid).not.toBe(oldKid);
      expect(local.publishedKids()).toEqual([oldKid, newKid]);
      const token = (await (await fetch(local.tokenEndpoint, { method: 'POST', body: ccForm() })).json()) as {
        access_token: string;
      };
      expect(headerOf(token.access_token)['kid']).toBe(newKid);
      const published = async (): Promise<string[]> =>
        ((await (await fetch(local.jwksUri)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
      expect(await published()).toEqual([oldKid, newKid]);
      local.retireOldKeys();
      expect(await published()).toEqual([newKid]);
    } finally {
      await local.close();
    }
  });

  it('can make the JWKS endpoint fail and counts requests', async () => {
    const before = idp.stats().jwksRequests;
    idp.setJwksAvailable(false);
    try {
      expect((await fetch(idp.jwksUri)).status).toBe(503);
    } finally {
      idp.setJwksAvailable(true);
    }
    expect((await fetch(idp.jwksUri)).status).toBe(200);
    expect(idp.stats().jwksRequests).toBe(before + 2);
  });

  it('refuses oversized request bodies', async () => {
    const res = await fetch(idp.tokenEndpoint, {
      method: 'POST',
      body: `grant_type=${'x'.repeat(70_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(413);
  });
});
