import { Injectable } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { MessagingClient, MessagingError } from '@portcullis/messaging';

/** The token of an `Authorization: Bearer <token>` header, or undefined for anything else. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  return typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
}

export type BearerOutcome =
  | { ok: true; principal: Principal }
  | { ok: false; code: 'no_token' | 'token_rejected' | 'identity_unavailable'; message: string };

/**
 * Turns an `Authorization: Bearer` header into a principal by asking the identity service (signature,
 * issuer, audience, lifetime, suspension). Every way of not getting a yes is a refusal, told apart only
 * so the caller can answer 401 (no token, or a refused one) or 503 (identity is unreachable). The token is never logged.
 */
@Injectable()
export class BearerVerifier {
  constructor(private readonly messaging: MessagingClient) {}

  async verify(authorization: string | string[] | undefined): Promise<BearerOutcome> {
    const token = bearerToken(authorization);
    if (!token) return { ok: false, code: 'no_token', message: 'send Authorization: Bearer <access token>' };
    let answer;
    try {
      answer = await this.messaging.request('identity.v1.verify', { token, channel: 'api' });
    } catch (err) {
      // A token too large for the contract is refused by the sender's own check: it is simply not valid.
      if (err instanceof MessagingError && err.code === 'bad_request')
        return { ok: false, code: 'token_rejected', message: 'token refused: malformed' };
      return { ok: false, code: 'identity_unavailable', message: 'the identity service did not answer; try again' };
    }
    if (answer.ok) return { ok: true, principal: answer.principal };
    // The issuer's keys could not be fetched: the identity side is down, the token may be fine.
    if (answer.reason === 'jwks_unavailable')
      return { ok: false, code: 'identity_unavailable', message: 'the token issuer keys are unavailable; try again' };
    return { ok: false, code: 'token_rejected', message: `token refused: ${answer.reason}` };
  }
}

/** Membership by group object id or by the friendly name the identity service attached. */
export function inAnyGroup(p: Principal, groups: readonly string[]): boolean {
  return groups.some((g) => p.groups.includes(g) || p.groupNames.includes(g));
}
