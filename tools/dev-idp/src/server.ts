import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultDevIdpConfig } from './config';
import type { DevIdpConfig } from './config';
import { DEV_TENANT } from './fixtures';
import { BodyTooLargeError, readBody, send } from './http-util';
import { KeyRing } from './keys';
import { openIdConfiguration, tenantEndpoints } from './metadata';
import type { TenantEndpoints } from './metadata';
import { oauthError } from './oauth-errors';
import { appTokenClaims, userTokenClaims } from './token-claims';
import type { ClaimsContext } from './token-claims';
import { handleTokenRequest } from './token-endpoint';

export interface DevIdpOptions {
  /** default 0 (any free port) */
  port?: number;
  /** Bind address, default 127.0.0.1. */
  host?: string;
  /** Overrides config.tenant. */
  tenant?: string;
  /** Base URL clients see (e.g. http://dev-idp:7180 on a compose network); default http://127.0.0.1:<port>. */
  publicUrl?: string;
  /** Full configuration; default defaultDevIdpConfig(tenant). */
  config?: DevIdpConfig;
}

export interface DevIdpStats {
  discoveryRequests: number;
  jwksRequests: number;
  tokenRequests: number;
}

export interface DevIdp extends TenantEndpoints {
  /** e.g. http://127.0.0.1:7180 */
  url: string;
  tenant: string;
  config: DevIdpConfig;
  close(): Promise<void>;
  /** Adds a new signing key and signs with it; the old key stays published. Returns the new kid. */
  rotateKeys(): Promise<string>;
  /** Stops publishing all keys but the active one. */
  retireOldKeys(): void;
  activeKid(): string;
  publishedKids(): string[];
  /** false: the JWKS endpoint answers 503 (issuer outage tests). */
  setJwksAvailable(available: boolean): void;
  stats(): DevIdpStats;
  /** In-process only: signs any payload with the active key (tests craft tokens with it). */
  sign(payload: object, extraHeader?: Record<string, unknown>): Promise<string>;
  /** The claims a client-credentials token for this client would carry now. */
  appClaims(clientName: string): Record<string, unknown>;
  /** The claims a delegated token for this user would carry now. */
  userClaims(username: string, scopes?: string[]): Record<string, unknown>;
}

/** Starts the dev issuer. Tests use port 0 and read `url` / `issuer` back. */
export async function startDevIdp(opts: DevIdpOptions = {}): Promise<DevIdp> {
  const tenant = opts.tenant ?? opts.config?.tenant ?? DEV_TENANT;
  const config: DevIdpConfig = { ...(opts.config ?? defaultDevIdpConfig(tenant)), tenant };
  const keys = await KeyRing.create();
  const stats: DevIdpStats = { discoveryRequests: 0, jwksRequests: 0, tokenRequests: 0 };
  let jwksAvailable = true;
  let endpoints: TenantEndpoints | null = null;
  const nowSeconds = (): number => Math.floor(Date.now() / 1000);

  const route = async (req: IncomingMessage, res: ServerResponse, e: TenantEndpoints): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/healthz') return send(res, { status: 200, body: { status: 'ok' } });
    const [, pathTenant, ...rest] = path.split('/');
    const tail = `/${rest.join('/')}`;
    if (pathTenant !== tenant) {
      return send(
        res,
        oauthError(400, 'invalid_request', 90002, `Tenant '${(pathTenant ?? '').slice(0, 64)}' not found.`),
      );
    }
    if (tail === '/v2.0/.well-known/openid-configuration' && req.method === 'GET') {
      stats.discoveryRequests++;
      return send(res, { status: 200, body: openIdConfiguration(e, tenant) });
    }
    if (tail === '/discovery/v2.0/keys' && req.method === 'GET') {
      stats.jwksRequests++;
      if (!jwksAvailable) return send(res, { status: 503, body: { error: 'temporarily_unavailable' } });
      return send(res, { status: 200, body: keys.jwks(e.issuer) });
    }
    if (tail === '/oauth2/v2.0/token') {
      stats.tokenRequests++;
      if (req.method !== 'POST') {
        return send(res, {
          ...oauthError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.'),
          headers: { allow: 'POST' },
        });
      }
      const body = await readBody(req);
      const reply = await handleTokenRequest(
        { config, issuer: e.issuer, keys, nowSeconds },
        { contentType: req.headers['content-type'], authorization: req.headers.authorization, body },
      );
      return send(res, reply);
    }
    if (tail === '/oauth2/v2.0/authorize') {
      return send(
        res,
        oauthError(
          400,
          'unsupported_response_type',
          70000,
          'The dev issuer has no browser sign-in; use the password grant for dev users.',
        ),
      );
    }
    return send(res, { status: 404, body: { error: 'not_found' } });
  };

  const server = createServer((req, res) => {
    if (!endpoints) return send(res, { status: 503, body: { error: 'starting' } });
    route(req, res, endpoints).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof BodyTooLargeError) {
        // The rest of the body is never read, so the connection cannot be reused.
        const reply = oauthError(413, 'invalid_request', 90015, 'Request body too large.');
        return send(res, { ...reply, headers: { ...reply.headers, connection: 'close' } });
      }
      return send(res, { status: 500, body: { error: 'server_error' } });
    });
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = (opts.publicUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const e = tenantEndpoints(url, tenant);
  endpoints = e;

  const claimsContext = (): ClaimsContext => ({
    issuer: e.issuer,
    tenant,
    api: config.api,
    lifetimeSeconds: config.tokenLifetimeSeconds,
    groupsOverageLimit: config.groupsOverageLimit,
    nowSeconds: nowSeconds(),
  });

  return {
    ...e,
    url,
    tenant,
    config,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; don't let them hold the close open.
        server.closeAllConnections();
      }),
    rotateKeys: () => keys.rotate(),
    retireOldKeys: () => keys.retireOld(),
    activeKid: () => keys.activeKid(),
    publishedKids: () => keys.publishedKids(),
    setJwksAvailable: (available) => {
      jwksAvailable = available;
    },
    stats: () => ({ ...stats }),
    sign: (payload, extraHeader) => keys.sign(payload, extraHeader),
    appClaims: (clientName) => {
      const client = config.clients.find((c) => c.name === clientName);
      if (!client) throw new Error(`dev-idp: no client named ${clientName}`);
      return appTokenClaims(claimsContext(), client);
    },
    userClaims: (username, scopes) => {
      const user = config.users.find((u) => u.username === username);
      const client = config.clients.find((c) => c.clientSecret === undefined) ?? config.clients[0];
      if (!user || !client) throw new Error(`dev-idp: no user named ${username}`);
      return userTokenClaims(claimsContext(), user, client, scopes ?? config.api.scopes, config.userDomain);
    },
  };
}
