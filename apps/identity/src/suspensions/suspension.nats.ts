import { Controller } from '@nestjs/common';
import type { CheckSuspensionsRequest, CheckSuspensionsResponse } from '@portcullis/contracts';
import { HandlesRequest } from '@portcullis/messaging';
import { SuspensionService } from './suspension.service';

@Controller()
export class SuspensionNats {
  constructor(private readonly suspensions: SuspensionService) {}

  /** A broker back on NATS asks about the principals of its live sessions; a failure here makes it ask again. */
  @HandlesRequest('identity.v1.check-suspensions')
  async check(request: CheckSuspensionsRequest): Promise<CheckSuspensionsResponse> {
    const flags = await Promise.all(
      request.principals.map((p) => this.suspensions.isSuspended(p.principalId, p.tenant)),
    );
    return { suspended: request.principals.filter((_, i) => flags[i]) };
  }
}
