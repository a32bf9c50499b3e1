import { readClientCredentials, secretsEqual } from './client-auth';
import type { DevApi, DevClient, DevIdpConfig } from './config';
import type { KeyRing } from './keys';
import { oauthError } from './oauth-errors';
import type { HttpReply } from './oauth-errors';
import { appTokenClaims, userTokenClaims } from './token-claims';
import type { ClaimsContext } from './token-claims';

export interface TokenEndpointContext {
  config: DevIdpConfig;
  issuer: string;
  keys: KeyRing;
  nowSeconds: () => number;
}

export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

/** OIDC scopes a password-grant request may add; they shape no access token. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * POST /{tenant}/oauth2/v2.0/token, answering like Entra's v2 endpoint:
 *  - client_credentials with `scope=<resource>/.default`, client secret in
 *    the body or via HTTP Basic → an app-only token;
 *  - password (ROPC) → a delegated token for a dev user. Microsoft
 *    discourages ROPC (no MFA, no conditional access, the app sees the
 *    password); it exists here only so demos and tests can get approver
 *    tokens without a browser. Never use it against a real tenant.
 */
export async function handleTokenRequest(ctx: TokenEndpointContext, req: TokenRequest): Promise<HttpReply> {
  const type = (req.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(400, 'invalid_request', 900144, "The request body must be 'application/x-www-form-urlencoded'.");
  }
  const form = new URLSearchParams(req.body);
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) {
      return oauthError(400, 'invalid_request', 90014, `The request parameter '${name}' is duplicated.`);
    }
  }
  const grant = form.get('grant_type');
  if (!grant) {
    return oauthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (grant !== 'client_credentials' && grant !== 'password') {
    return oauthError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  }

  const creds = readClientCredentials(req.authorization, form);
  if (creds.badHeader)
    return oauthError(401, 'invalid_client', 7000216, 'Malformed client credentials in the Authorization header.');
  if (creds.conflicting) {
    return oauthError(400, 'invalid_request', 7000218, 'Use only one client authentication method per request.');
  }
  if (!creds.clientId) {
    return oauthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const client = ctx.config.clients.find((c) => c.clientId === creds.clientId);
  if (!client) {
    return oauthError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${creds.clientId}' was not found in the directory.`,
    );
  }
  if (client.clientSecret !== undefined || grant === 'client_credentials') {
    if (client.clientSecret === undefined || creds.clientSecret === null) {
      return oauthError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (!secretsEqual(creds.clientSecret, client.clientSecret)) {
      return oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided.');
    }
  }

  const scope = form.get('scope');
  if (!scope)
    return oauthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  const claimsCtx: ClaimsContext = {
    issuer: ctx.issuer,
    tenant: ctx.config.tenant,
    api: ctx.config.api,
    lifetimeSeconds: ctx.config.tokenLifetimeSeconds,
    groupsOverageLimit: ctx.config.groupsOverageLimit,
    nowSeconds: ctx.nowSeconds(),
  };
  if (grant === 'client_credentials') return clientCredentials(ctx, claimsCtx, client, scope);
  return passwordGrant(ctx, claimsCtx, client, form, scope);
}

/** `api://portcullis`, `api://<appId>` or `<appId>` all name the API, as in Entra. */
function namesApi(api: DevApi, resource: string): boolean {
  return resource === api.appIdUri || resource === api.appId || resource === `api://${api.appId}`;
}

async function clientCredentials(
  ctx: TokenEndpointContext,
  claimsCtx: ClaimsContext,
  client: DevClient,
  scope: string,
): Promise<HttpReply> {
  const scopes = scope.split(' ').filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]?.endsWith('/.default')) {
    return oauthError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scopes[0].slice(0, -'/.default'.length);
  if (!namesApi(ctx.config.api, resource)) {
    return oauthError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant.`,
    );
  }
  const token = await ctx.keys.sign(appTokenClaims(claimsCtx, client));
  return tokenReply(token, claimsCtx.lifetimeSeconds);
}

async function passwordGrant(
  ctx: TokenEndpointContext,
  claimsCtx: ClaimsContext,
  client: DevClient,
  form: URLSearchParams,
  scope: string,
): Promise<HttpReply> {
  const username = form.get('username');
  const password = form.get('password');
  if (!username || !password) {
    return oauthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameters: 'username' and 'password'.",
    );
  }
  const wanted = username.toLowerCase();
  const user = ctx.config.users.find(
    (u) => u.username.toLowerCase() === wanted || `${u.username}@${ctx.config.userDomain}`.toLowerCase() === wanted,
  );
  // One answer for unknown user and wrong password: no account enumeration.
  if (!user || !secretsEqual(password, user.password)) {
    return oauthError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
  }
  const api = ctx.config.api;
  const granted = new Set<string>();
  for (const s of scope.split(' ').filter(Boolean)) {
    if (OIDC_SCOPES.has(s)) continue;
    const slash = s.lastIndexOf('/');
    const resource = slash > 0 ? s.slice(0, slash) : '';
    const name = s.slice(slash + 1);
    if (!namesApi(api, resource)) {
      return oauthError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`,
      );
    }
    if (name === '.default') api.scopes.forEach((x) => granted.add(x));
    else if (api.scopes.includes(name)) granted.add(name);
    else
      return oauthError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`,
      );
  }
  if (granted.size === 0) {
    return oauthError(
      400,
      'invalid_scope',
      70011,
      "The provided value for the input parameter 'scope' names no scope of the API.",
    );
  }
  const scp = [...granted];
  const token = await ctx.keys.sign(userTokenClaims(claimsCtx, user, client, scp, ctx.config.userDomain));
  const reply = tokenReply(token, claimsCtx.lifetimeSeconds);
  (reply.body as Record<string, unknown>)['scope'] = scp.map((s) => `${api.appIdUri}/${s}`).join(' ');
  return reply;
}

function tokenReply(accessToken: string, lifetime: number): HttpReply {
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    headers: NO_STORE,
  };
}
