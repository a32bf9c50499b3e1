import { createHash } from 'node:crypto';
import type { AuditDraft } from '@portcullis/messaging';
import type { Actor } from './approval-access';
import type { ApprovalEntity } from './approval.entity';
import type { Vote } from './decision.entity';

type AuditPrincipal = NonNullable<AuditDraft['principal']>;

const AUDIT_ID_NAMESPACE = Buffer.from('6f1e2d3c4b5a49788796a5b4c3d2e1f0', 'hex');

/**
 * A name-based (v5) UUID for one logical audit event. Records are written before commit, so a
 * transaction retried after a lost acknowledgement publishes the same event again; the same id lets
 * the audit stream's duplicate window and the audit store keep it once.
 */
export function auditIdFor(...parts: string[]): string {
  const hash = createHash('sha1').update(AUDIT_ID_NAMESPACE).update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const recorded = (p: {
  id: string;
  kind: Actor['kind'];
  tenant: string | null;
  appId: string | null;
  groups: string[];
}) => ({ id: p.id, kind: p.kind, tenant: p.tenant, appId: p.appId, groups: p.groups }) satisfies AuditPrincipal;

// The command's own trace, so an approval is found next to the command that needed it.
const about = (a: ApprovalEntity) => ({
  approvalId: a.id,
  connection: a.connection,
  fingerprint: a.commandFingerprint,
  ruleIds: a.ruleIds,
  ...(a.sessionId ? { sessionId: a.sessionId } : {}),
  ...(a.traceId ? { traceId: a.traceId } : {}),
});

export function requestedAudit(a: ApprovalEntity): AuditDraft {
  return {
    id: auditIdFor(a.id, 'requested'),
    type: 'approval.requested',
    principal: recorded(a.principal),
    command: a.commandText,
    outcome: 'pending',
    ...about(a),
    detail: { terms: a.terms, agentReason: a.agentReason, expiresAt: a.expiresAt.toISOString() },
  };
}

/** One approver's vote, with who they are, what they said and where the request stands after it. */
export function voteAudit(
  a: ApprovalEntity,
  actor: Actor,
  vote: Vote,
  comment: string | null,
  tally: { approvals: number; windowSeconds: number | null },
): AuditDraft {
  return {
    id: auditIdFor(a.id, 'vote', actor.id),
    type: 'approval.decided',
    principal: recorded(actor),
    channel: 'api',
    outcome: a.status,
    ...(comment ? { reason: comment } : {}),
    ...about(a),
    detail: {
      vote,
      approverId: actor.id,
      approverName: actor.displayName,
      comment,
      via: actor.via,
      approvals: tally.approvals,
      minApprovals: a.minApprovals,
      windowSeconds: tally.windowSeconds,
      requesterId: a.principalId,
    },
  };
}

export function expiredAudit(a: ApprovalEntity): AuditDraft {
  return {
    id: auditIdFor(a.id, 'expired'),
    type: 'approval.decided',
    outcome: 'expired',
    reason: `no decision within ${a.terms.timeoutSeconds} s`,
    ...about(a),
    detail: { requesterId: a.principalId },
  };
}

export function cancelledAudit(a: ApprovalEntity, actor: Actor): AuditDraft {
  return {
    id: auditIdFor(a.id, 'cancelled'),
    type: 'approval.decided',
    principal: recorded(actor),
    channel: 'api',
    outcome: 'cancelled',
    ...(a.decidedComment ? { reason: a.decidedComment } : {}),
    ...about(a),
    detail: { cancelledBy: actor.id, comment: a.decidedComment, requesterId: a.principalId },
  };
}
