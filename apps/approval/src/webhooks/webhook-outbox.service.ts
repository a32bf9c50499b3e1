import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ApprovalEntity } from '../approvals/approval.entity';
import type { ApprovalSettings, WebhookEvent, WebhookTarget } from '../config';
import { APPROVAL_SETTINGS } from '../config.module';
import { slackDecidedMessage, slackRequestedMessage } from './slack-message';
import { decidedEnvelope, requestedEnvelope, ticketUrl } from './webhook-payloads';
import { WebhookDispatcher } from './webhook-dispatcher.service';

/**
 * Queues webhook deliveries inside the caller's transaction, so an approval change and the notice of
 * it are stored together or not at all; `wake` sends them as soon as that transaction has committed.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async enqueue(m: EntityManager, event: WebhookEvent, a: ApprovalEntity): Promise<number> {
    const targets = this.settings.webhooks.filter((w) => w.events.includes(event));
    if (targets.length === 0) return 0;
    const params: unknown[] = [];
    const rows = targets.map((t) => {
      params.push(randomUUID(), t.name, event, a.id, this.render(t, event, a));
      const n = params.length;
      return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await m.query(
      `INSERT INTO approval.webhook_deliveries (id, webhook, event_type, approval_id, body) VALUES ${rows.join(', ')}`,
      params,
    );
    return targets.length;
  }

  wake(): void {
    this.dispatcher.kick();
  }

  private render(target: WebhookTarget, event: WebhookEvent, a: ApprovalEntity): string {
    const url = ticketUrl(this.settings.publicUrl, a.id);
    if (target.format === 'slack') {
      const buttons = this.settings.slack?.allowApprovals === true;
      return JSON.stringify(
        event === 'approval.requested' ? slackRequestedMessage(a, url, buttons) : slackDecidedMessage(a, url),
      );
    }
    return JSON.stringify(event === 'approval.requested' ? requestedEnvelope(a, url) : decidedEnvelope(a, url));
  }
}
