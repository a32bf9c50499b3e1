import { Controller } from '@nestjs/common';
import type { DecideRequest, Decision } from '@portcullis/contracts';
import { HandlesRequest } from '@portcullis/messaging';
import { DecisionService } from './decision.service';

@Controller()
export class DecisionNats {
  constructor(private readonly decisions: DecisionService) {}

  @HandlesRequest('policy.v1.decide')
  async decide(request: DecideRequest): Promise<Decision> {
    return this.decisions.decide(request);
  }
}
