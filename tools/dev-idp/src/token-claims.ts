import { createHash, randomBytes } from 'node:crypto';
import type { DevApi, DevClient, DevUser } from './config';

export interface ClaimsContext {
  issuer: string;
  tenant: string;
  api: DevApi;
  lifetimeSeconds: number;
  groupsOverageLimit: number;
  nowSeconds: number;
}

/** Entra's opaque claims (aio, rh, uti): random, meaningless to relying parties. */
function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function common(ctx: ClaimsContext): Record<string, unknown> {
  return {
    aud: ctx.api.appId,
    iss: ctx.issuer,
    iat: ctx.nowSeconds,
    nbf: ctx.nowSeconds,
    exp: ctx.nowSeconds + ctx.lifetimeSeconds,
    aio: opaque(48),
  };
}

/** Groups, or Entra's overage pointer when there are too many to fit in a JWT. */
function groupClaims(ctx: ClaimsContext, objectId: string, groups: string[]): Record<string, unknown> {
  if (groups.length <= ctx.groupsOverageLimit) return { groups: [...groups] };
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: {
      src1: { endpoint: `https://graph.windows.net/${ctx.tenant}/users/${objectId}/getMemberObjects` },
    },
  };
}

/** An Entra v2 app-only access token body (client credentials). */
export function appTokenClaims(ctx: ClaimsContext, client: DevClient): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...common(ctx),
    azp: client.clientId,
    azpacr: '1', // authenticated with a client secret
    ...groupClaims(ctx, client.objectId, client.groups),
    idtyp: 'app',
    oid: client.objectId,
    rh: `0.A${opaque(42)}.`,
  };
  if (client.roles.length > 0) claims['roles'] = [...client.roles];
  return { ...claims, sub: client.objectId, tid: ctx.tenant, uti: opaque(16), ver: '2.0' };
}

/** An Entra v2 delegated (user) access token body. */
export function userTokenClaims(
  ctx: ClaimsContext,
  user: DevUser,
  client: DevClient,
  scopes: string[],
  userDomain: string,
): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    ...common(ctx),
    azp: client.clientId,
    azpacr: client.clientSecret === undefined ? '0' : '1',
    ...groupClaims(ctx, user.objectId, user.groups),
    name: user.displayName,
    oid: user.objectId,
    preferred_username: `${user.username}@${userDomain}`,
    rh: `0.A${opaque(42)}.`,
  };
  if (user.roles.length > 0) claims['roles'] = [...user.roles];
  // Entra's delegated `sub` is pairwise: stable per user and app, unlike oid.
  const sub = createHash('sha256').update(`${user.objectId}:${ctx.api.appId}`).digest('base64url').slice(0, 43);
  return { ...claims, scp: scopes.join(' '), sub, tid: ctx.tenant, uti: opaque(16), ver: '2.0' };
}
