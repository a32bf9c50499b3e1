import type { ConnectionRef, Principal } from '@portcullis/contracts';
import type { PolicyRule } from './rule-schema';
import { globMatch } from './glob';

/** A rule's principal selector: every condition given must hold; group names or object ids both work. */
export function principalMatches(sel: PolicyRule['principals'], p: Principal): boolean {
  if (sel.kinds && !sel.kinds.includes(p.kind)) return false;
  if (sel.ids && !sel.ids.includes(p.id)) return false;
  if (sel.groups && !sel.groups.some((g) => p.groups.includes(g) || p.groupNames.includes(g))) return false;
  if (sel.roles && !sel.roles.some((r) => p.roles.includes(r))) return false;
  if (sel.appIds && (p.appId === null || !sel.appIds.includes(p.appId))) return false;
  if (sel.providers && !sel.providers.includes(p.provider)) return false;
  return true;
}

export function connectionMatches(sel: PolicyRule['connections'], c: ConnectionRef): boolean {
  if (sel.names && !sel.names.some((n) => globMatch(n, c.name))) return false;
  if (sel.types && !sel.types.includes(c.type)) return false;
  if (sel.tags && !sel.tags.some((t) => c.tags.includes(t))) return false;
  return true;
}
