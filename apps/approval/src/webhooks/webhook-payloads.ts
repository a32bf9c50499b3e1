import type { ApprovalEntity } from '../approvals/approval.entity';
import type { WebhookEvent } from '../config';

/** The Standard Webhooks envelope: a type, when it happened, and the event's data. */
export interface WebhookEnvelope {
  type: WebhookEvent;
  timestamp: string;
  data: Record<string, unknown>;
}

export const ticketUrl = (publicUrl: string, approvalId: string): string => `${publicUrl}/v1/approvals/${approvalId}`;

/** Who asked, where, what and why: shared by the API view and the `approval.requested` webhook. */
export function requestSummary(a: ApprovalEntity) {
  return {
    requester: {
      id: a.principalId,
      kind: a.principalKind,
      displayName: a.principal.displayName,
      tenant: a.principal.tenant,
      appId: a.principal.appId,
    },
    connection: a.connectionRef,
    command: a.commandText,
    commandFingerprint: a.commandFingerprint,
    action: a.action,
    ruleIds: a.ruleIds,
    terms: a.terms,
    agentReason: a.agentReason,
    sessionId: a.sessionId,
    traceId: a.traceId,
    createdAt: a.createdAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
  };
}

/** Everything an approver needs to decide without opening anything else: who, where, what, why, until when. */
export function requestedEnvelope(a: ApprovalEntity, url: string): WebhookEnvelope {
  return {
    type: 'approval.requested',
    timestamp: a.createdAt.toISOString(),
    data: { approvalId: a.id, status: a.status, url, ...requestSummary(a) },
  };
}

export function decidedEnvelope(a: ApprovalEntity, url: string): WebhookEnvelope {
  const at = (a.decidedAt ?? new Date()).toISOString();
  return {
    type: 'approval.decided',
    timestamp: at,
    data: {
      approvalId: a.id,
      status: a.status,
      url,
      decidedBy: a.decidedBy,
      comment: a.decidedComment,
      at,
      requester: { id: a.principalId, kind: a.principalKind, displayName: a.principal.displayName },
      connection: a.connection,
      commandFingerprint: a.commandFingerprint,
      ruleIds: a.ruleIds,
    },
  };
}
