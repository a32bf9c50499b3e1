import { optionalString, stringList } from './claims';
import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { IssuerRoute } from './providers';
import type { Claims, EntraTokenVersion } from './types';

export interface EntraFacts {
  ok: true;
  tenant: string;
  objectId: string;
  appId: string;
  kind: 'agent' | 'human';
}

/**
 * Entra access-token rules, applied after the signature verified.
 *
 * Token version: `ver` must agree with the issuer format (v1 tokens come from
 * sts.windows.net, v2 from login.microsoftonline.com/.../v2.0) and be accepted
 * by the provider.
 *
 * Tenant: `tid` must equal the tenant in the issuer (Microsoft's rule for
 * multi-tenant validation) and be on the allow-list.
 *
 * Access token vs ID token — robust without relying on `typ` (Entra writes
 * "JWT" on both):
 *  - ID tokens carry no `azp`/`appid`; every Entra access token names the
 *    calling client, so a missing one is refused;
 *  - `idtyp: 'app'` means app-only (agent) and must not carry `scp`;
 *    `idtyp: 'user'` means delegated (human) and must carry `scp`;
 *  - without `idtyp`: `scp` → human, `roles` only → agent (app-only tokens
 *    never have `scp`), neither → refused as not an access token.
 */
export function checkEntraClaims(route: IssuerRoute, claims: Claims): EntraFacts | Rejection {
  const origin = checkVersionAndTenant(route, claims);
  if (!origin.ok) return origin;
  const objectId = optionalString(claims, 'oid');
  if (objectId === null) return reject('malformed', 'oid claim missing');
  const appId = optionalString(claims, origin.ver === '2.0' ? 'azp' : 'appid');
  if (appId === null) return reject('not_access_token', 'no azp/appid: an ID token, not an access token');
  const kind = classify(claims);
  if (typeof kind !== 'string') return kind;
  return { ok: true, tenant: origin.tenant, objectId, appId, kind };
}

function checkVersionAndTenant(
  route: IssuerRoute,
  claims: Claims,
): { ok: true; ver: EntraTokenVersion; tenant: string } | Rejection {
  const p = route.provider;
  const ver = claims['ver'];
  if (ver !== '1.0' && ver !== '2.0') return reject('wrong_issuer', 'unsupported token version (ver)');
  if (route.version !== null && ver !== route.version) {
    return reject('wrong_issuer', `ver ${ver} does not match the v${route.version} issuer format`);
  }
  if (!p.acceptedVersions.has(ver)) return reject('wrong_issuer', `v${ver} tokens are not accepted`);
  const tidClaim = optionalString(claims, 'tid');
  if (tidClaim === null) return reject('malformed', 'tid claim missing');
  const tid = tidClaim.toLowerCase();
  if (route.tenantFromIssuer && tid !== route.tenant) return reject('wrong_issuer', 'tid does not match the issuer');
  // Routing already refused disallowed tenants on unverified data; this re-check stands on verified claims.
  if (!p.tenants.has(tid)) return reject('wrong_tenant', 'tenant is not allowed');
  return { ok: true, ver, tenant: tid };
}

function classify(claims: Claims): 'agent' | 'human' | Rejection {
  const roles = stringList(claims, 'roles');
  if (roles === null) return reject('malformed', 'roles claim must be a list of strings');
  const scp = claims['scp'];
  if (scp !== undefined && typeof scp !== 'string') return reject('malformed', 'scp claim must be a string');
  const hasScp = typeof scp === 'string' && scp.trim() !== '';
  switch (claims['idtyp']) {
    case 'app':
      return hasScp ? reject('not_access_token', 'app-only token (idtyp app) must not carry scp') : 'agent';
    case 'user':
      return hasScp ? 'human' : reject('not_access_token', 'delegated token (idtyp user) without scp');
    case undefined:
      if (hasScp) return 'human';
      if (roles.length > 0) return 'agent';
      return reject('not_access_token', 'no idtyp, scp or roles: not an access token for this API');
    default:
      return reject('not_access_token', 'unknown idtyp');
  }
}
