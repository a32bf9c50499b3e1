import { optionalString, stringList } from './claims';
import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { Claims } from './types';

export interface OidcFacts {
  ok: true;
  subject: string;
  appId: string | null;
  kind: 'agent' | 'human';
}

/**
 * Generic OIDC issuers have no common "app-only" marker, so classification is
 * a documented heuristic that errs towards `agent` (an agent can never act
 * as an approver, so misclassifying a human costs convenience, not safety):
 *  - `idtyp` decides when present ('app' → agent, 'user' → human);
 *  - client-credentials tokens (`gty: client-credentials`, or sub equal to
 *    the client id) → agent;
 *  - a token with delegated scopes (`scp` / `scope`) → human;
 *  - anything else → agent.
 */
export function checkOidcClaims(claims: Claims): OidcFacts | Rejection {
  const subject = optionalString(claims, 'sub');
  if (subject === null) return reject('malformed', 'sub claim missing');
  if (stringList(claims, 'roles') === null) return reject('malformed', 'roles claim must be a list of strings');
  const appId = optionalString(claims, 'azp') ?? optionalString(claims, 'client_id') ?? optionalString(claims, 'appid');
  const idtyp = claims['idtyp'];
  let kind: 'agent' | 'human';
  if (idtyp === 'app') kind = 'agent';
  else if (idtyp === 'user') kind = 'human';
  else if (claims['gty'] === 'client-credentials' || (appId !== null && subject === appId)) kind = 'agent';
  else if (optionalString(claims, 'scp') !== null || optionalString(claims, 'scope') !== null) kind = 'human';
  else kind = 'agent';
  return { ok: true, subject, appId, kind };
}
