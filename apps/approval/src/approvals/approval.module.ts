import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GrantModule } from '../grants/grant.module';
import { WebhookModule } from '../webhooks/webhook.module';
import { ApprovalDecisions } from './approval-decision.service';
import { ApprovalExpiry } from './approval-expiry.service';
import { ApprovalOutcomes } from './approval-outcome.service';
import { ApprovalQueries } from './approval-query.service';
import { ApprovalHttp } from './approval.http';
import { ApprovalNats } from './approval.nats';
import { ApprovalIntake } from './approval.service';

@Module({
  imports: [AuthModule, GrantModule, WebhookModule],
  controllers: [ApprovalHttp, ApprovalNats],
  providers: [ApprovalIntake, ApprovalDecisions, ApprovalQueries, ApprovalOutcomes, ApprovalExpiry],
  exports: [ApprovalDecisions],
})
export class ApprovalModule {}
