import { Module } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhookOutbox } from './webhook-outbox.service';

@Module({ providers: [WebhookDispatcher, WebhookOutbox], exports: [WebhookOutbox] })
export class WebhookModule {}
