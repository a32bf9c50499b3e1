import type { Decision, Principal, TokenRejectReason } from '@portcullis/contracts';

/**
 * What the broker may do with a request. Every protocol front end maps each case to its own native
 * error (SQLSTATE, HTTP status, SSH exit status, Kubernetes Status); `assertNever` keeps the mappers
 * exhaustive when a case is added.
 */
export type AuthOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; code: 'unauthenticated'; reason: TokenRejectReason; detail: string }
  | { ok: false; code: 'unavailable'; detail: string };

export type GateOutcome =
  | { outcome: 'allow'; decision: Decision }
  | { outcome: 'approval'; decision: Decision }
  | { outcome: 'deny'; code: 'denied'; decision: Decision }
  | { outcome: 'deny'; code: 'unknown_connection'; detail: string }
  | { outcome: 'deny'; code: 'unavailable'; detail: string };

export function assertNever(x: never): never {
  throw new Error(`unhandled case ${JSON.stringify(x)}`);
}
