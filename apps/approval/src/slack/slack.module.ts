import { Module } from '@nestjs/common';
import { ApprovalModule } from '../approvals/approval.module';
import { SlackHttp } from './slack.http';

@Module({ imports: [ApprovalModule], controllers: [SlackHttp] })
export class SlackModule {}
