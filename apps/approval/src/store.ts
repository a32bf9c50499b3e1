import type { AppStore } from '@portcullis/database';
import { ApprovalEntity } from './approvals/approval.entity';
import { DecisionEntity } from './approvals/decision.entity';
import { GrantEntity } from './grants/grant.entity';
import { migrations } from './migrations';
import { WebhookDeliveryEntity } from './webhooks/webhook-delivery.entity';

/** The Postgres schema this service owns, its entities and its migrations. */
export const store: AppStore = {
  schema: 'approval',
  entities: [ApprovalEntity, DecisionEntity, GrantEntity, WebhookDeliveryEntity],
  migrations,
};
