import { optionalString, stringList } from './claims';
import type { Claims, Principal } from './types';

export interface PrincipalFacts {
  id: string;
  tenant: string | null;
  kind: 'agent' | 'human';
  appId: string | null;
  groups: string[];
  issuer: string;
  provider: string;
}

/**
 * Builds the principal from verified claims and facts the rules derived.
 * `displayName` is for people reading logs and approval requests only;
 * authorization uses `id` + `tenant` (never preferred_username / email,
 * which users or admins can change and which are not unique).
 */
export function buildPrincipal(
  claims: Claims,
  facts: PrincipalFacts,
  groupNames: ReadonlyMap<string, string>,
): Principal {
  const names: string[] = [];
  for (const g of facts.groups) {
    const name = groupNames.get(g);
    if (name !== undefined) names.push(name);
  }
  return {
    id: facts.id,
    tenant: facts.tenant,
    kind: facts.kind,
    displayName: optionalString(claims, 'name') ?? optionalString(claims, 'app_displayname'),
    groups: [...facts.groups],
    groupNames: names,
    roles: [...(stringList(claims, 'roles') ?? [])],
    appId: facts.appId,
    issuer: facts.issuer,
    provider: facts.provider,
    expiresAt: claims['exp'] as number,
    tokenId: optionalString(claims, 'uti') ?? optionalString(claims, 'jti'),
  };
}
