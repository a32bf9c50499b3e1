import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { Claims } from './types';

export type GroupsClaim = { ok: true; groups: string[] } | { ok: 'overage' } | Rejection;

/**
 * Reads the groups claim. When the issuer had too many groups to fit, Entra
 * omits the claim and leaves a pointer instead (`_claim_names.groups` with
 * `_claim_sources`, or `hasgroups: true` in implicit-flow tokens; OIDC Core
 * §5.6.2 distributed claims work the same way). Reading that as "no groups"
 * would silently drop deny-by-group rules, so it is reported as overage.
 */
export function readGroupsClaim(claims: Claims, claimName: string): GroupsClaim {
  const names = claims['_claim_names'];
  if (typeof names === 'object' && names !== null && Object.prototype.hasOwnProperty.call(names, claimName)) {
    return { ok: 'overage' };
  }
  if (claims['hasgroups'] === true || claims['hasgroups'] === 'true') return { ok: 'overage' };
  const v = claims[claimName];
  if (v === undefined) return { ok: true, groups: [] };
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) {
    return reject('malformed', `${claimName} claim must be a list of strings`);
  }
  return { ok: true, groups: v as string[] };
}
