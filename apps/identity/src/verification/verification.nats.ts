import { Controller } from '@nestjs/common';
import type { VerifyRequest, VerifyResponse } from '@portcullis/contracts';
import { HandlesRequest } from '@portcullis/messaging';
import { IdentityVerifier } from './identity-verifier.service';

@Controller()
export class VerificationNats {
  constructor(private readonly verifier: IdentityVerifier) {}

  @HandlesRequest('identity.v1.verify')
  verify(request: VerifyRequest): Promise<VerifyResponse> {
    return this.verifier.verify(request.token, request.channel);
  }
}
