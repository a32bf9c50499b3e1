/**
 * Test-only (not exported from the package): an in-process issuer laid out
 * like Entra and the dev issuer (`/{tenant}/v2.0/.well-known/...`,
 * `/{tenant}/discovery/v2.0/keys`) that signs whatever a test asks for.
 * The library cannot import tools/dev-idp (module boundaries); tokens from
 * the real dev issuer's token endpoint are verified in tools/dev-idp's specs.
 */
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, sign as rsaSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  BOB_OID,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  DEV_API_APP_ID,
  DEV_CLI_APP_ID,
  DEV_TENANT,
  GROUP_AUDITORS,
  GROUP_DB_READERS,
  ROLE_AGENT,
} from '@portcullis/dev-identities';

export interface TestIssuer {
  url: string;
  tenant: string;
  issuer: string;
  jwksUri: string;
  activeKid(): string;
  /** New signing key; the old one stays published until retireOldKeys(). */
  rotateKeys(): Promise<string>;
  retireOldKeys(): void;
  /** false: the JWKS endpoint answers 503. */
  setJwksAvailable(available: boolean): void;
  stats(): { jwksRequests: number; discoveryRequests: number };
  /** RS256 with the active key; extra header members merged verbatim (undefined removes one). */
  sign(payload: object, extraHeader?: Record<string, unknown>): Promise<string>;
  /** Entra v2 app-only access token claims for code-review-bot, valid now. */
  appClaims(): Record<string, unknown>;
  /** Entra v2 delegated access token claims for bob, valid now. */
  userClaims(): Record<string, unknown>;
  close(): Promise<void>;
}

interface Key {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

function newKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(16).toString('base64url');
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' } };
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export async function startTestIssuer(tenant = DEV_TENANT): Promise<TestIssuer> {
  let keys: Key[] = [newKey()];
  let available = true;
  const stats = { jwksRequests: 0, discoveryRequests: 0 };
  let issuer = '';
  let jwksUri = '';

  const server = createServer((req, res) => {
    let status = 404;
    let body: unknown = { error: 'not_found' };
    if (req.url === `/${tenant}/discovery/v2.0/keys`) {
      stats.jwksRequests++;
      [status, body] = available
        ? [200, { keys: keys.map((k) => k.jwk) }]
        : [503, { error: 'temporarily_unavailable' }];
    } else if (req.url === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      stats.discoveryRequests++;
      [status, body] = [200, { issuer, jwks_uri: jwksUri }];
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${url}/${tenant}/v2.0`;
  jwksUri = `${url}/${tenant}/discovery/v2.0/keys`;
  const active = (): Key => keys[keys.length - 1] as Key;
  const now = (): number => Math.floor(Date.now() / 1000);
  const common = (): Record<string, unknown> => ({
    aud: DEV_API_APP_ID,
    iss: issuer,
    iat: now(),
    nbf: now(),
    exp: now() + 3600,
    aio: randomBytes(30).toString('base64url'),
    rh: `0.A${randomBytes(30).toString('base64url')}.`,
    tid: tenant,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  });

  return {
    url,
    tenant,
    issuer,
    jwksUri,
    activeKid: () => active().kid,
    rotateKeys: async () => {
      keys.push(newKey());
      return active().kid;
    },
    retireOldKeys: () => {
      keys = [active()];
    },
    setJwksAvailable: (value) => {
      available = value;
    },
    stats: () => ({ ...stats }),
    sign: async (payload, extraHeader = {}) => {
      const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: active().kid, ...extraHeader })}.${b64(payload)}`;
      return `${input}.${rsaSign('sha256', Buffer.from(input), active().privateKey).toString('base64url')}`;
    },
    appClaims: () => ({
      ...common(),
      azp: CODE_REVIEW_BOT_APP_ID,
      azpacr: '1',
      groups: [GROUP_DB_READERS],
      idtyp: 'app',
      oid: CODE_REVIEW_BOT_OID,
      roles: [ROLE_AGENT],
      sub: CODE_REVIEW_BOT_OID,
    }),
    userClaims: () => ({
      ...common(),
      azp: DEV_CLI_APP_ID,
      azpacr: '0',
      groups: [GROUP_AUDITORS],
      name: 'Bob (auditor)',
      oid: BOB_OID,
      preferred_username: 'bob@dev.portcullis.test',
      scp: 'access_as_user',
      sub: 'pairwise-subject-of-bob',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
