import { Controller } from '@nestjs/common';
import type { ApprovalRequest, ApprovalTicket, ParsedRequestOf } from '@portcullis/contracts';
import { HandlesRequest } from '@portcullis/messaging';
import { ApprovalQueries } from './approval-query.service';
import { ApprovalIntake } from './approval.service';

@Controller()
export class ApprovalNats {
  constructor(
    private readonly intake: ApprovalIntake,
    private readonly queries: ApprovalQueries,
  ) {}

  @HandlesRequest('approval.v1.request')
  request(request: ApprovalRequest): Promise<ApprovalTicket> {
    return this.intake.request(request);
  }

  @HandlesRequest('approval.v1.status')
  status(request: ParsedRequestOf<'approval.v1.status'>): Promise<ApprovalTicket> {
    return this.queries.ticket(request.approvalId);
  }
}
