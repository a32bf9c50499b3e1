import type { GrantEntity } from '../grants/grant.entity';
import type { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { requestSummary, ticketUrl } from '../webhooks/webhook-payloads';
import type { ApprovalEntity } from './approval.entity';
import type { DecisionEntity } from './decision.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** An approval as the API shows it: the full command, who asked, which rules, the terms and the trail. */
export function approvalView(
  publicUrl: string,
  a: ApprovalEntity,
  decisions: DecisionEntity[],
  grant: GrantEntity | null,
  deliveries?: WebhookDeliveryEntity[],
) {
  return {
    id: a.id,
    status: a.status,
    url: ticketUrl(publicUrl, a.id),
    ...requestSummary(a),
    decidedAt: iso(a.decidedAt),
    decidedBy: a.decidedBy,
    comment: a.decidedComment,
    approvals: { count: decisions.filter((d) => d.decision === 'approve').length, required: a.minApprovals },
    decisions: decisions.map((d) => ({
      approverId: d.approverId,
      approverName: d.approverName,
      decision: d.decision,
      comment: d.comment,
      via: d.via,
      windowSeconds: d.windowSeconds,
      at: d.decidedAt.toISOString(),
    })),
    grant: grant && {
      kind: grant.kind,
      scope: grant.scope,
      expiresAt: grant.expiresAt.toISOString(),
      consumedAt: iso(grant.consumedAt),
      uses: grant.uses,
    },
    ...(deliveries && {
      webhooks: deliveries.map((w) => ({
        id: w.id,
        webhook: w.webhook,
        event: w.eventType,
        status: w.status,
        attempts: w.attempts,
        lastStatusCode: w.lastStatusCode,
        lastError: w.lastError,
        lastAttemptAt: iso(w.lastAttemptAt),
      })),
    }),
  };
}

export type ApprovalView = ReturnType<typeof approvalView>;
