import { Controller } from '@nestjs/common';
import type { ConsumeGrant, GrantVerdict } from '@portcullis/contracts';
import { HandlesRequest } from '@portcullis/messaging';
import { GrantService } from './grant.service';

@Controller()
export class GrantNats {
  constructor(private readonly grants: GrantService) {}

  @HandlesRequest('approval.v1.consume-grant')
  consume(request: ConsumeGrant): Promise<GrantVerdict> {
    return this.grants.consume(request);
  }
}
