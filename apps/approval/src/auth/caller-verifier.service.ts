import { Injectable } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { BearerVerifier } from '@portcullis/http-auth';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';

/** A verified caller, or the approval service's own error: a decision is never taken from a caller we could not verify. */
@Injectable()
export class CallerVerifier {
  constructor(private readonly bearer: BearerVerifier) {}

  async verify(authorization: string | string[] | undefined): Promise<Principal> {
    const outcome = await this.bearer.verify(authorization);
    if (outcome.ok) return outcome.principal;
    if (outcome.code === 'identity_unavailable')
      throw new ApprovalError(ApprovalErrorCode.IdentityUnavailable, outcome.message);
    throw new ApprovalError(
      outcome.code === 'no_token' ? ApprovalErrorCode.Unauthenticated : ApprovalErrorCode.TokenRejected,
      outcome.message,
    );
  }
}
