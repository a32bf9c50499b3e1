import { Module } from '@nestjs/common';
import { ApprovalModule } from '../approvals/approval.module';
import { SlackRawBody } from './slack-raw-body';
import { SlackHttp } from './slack.http';

@Module({ imports: [ApprovalModule], controllers: [SlackHttp], providers: [SlackRawBody] })
export class SlackModule {}
