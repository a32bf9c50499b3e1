/**
 * Why the approval service refused something. Each code is stable (clients and runbooks key on it) and
 * maps to exactly one HTTP status in `problem-details.ts`.
 */
export enum ApprovalErrorCode {
  BadRequest = 'bad_request',
  Unauthenticated = 'unauthenticated',
  TokenRejected = 'token_rejected',
  IdentityUnavailable = 'identity_unavailable',
  NotFound = 'not_found',
  AgentCannotApprove = 'agent_cannot_approve',
  AgentReadOnly = 'agent_read_only',
  SelfApproval = 'self_approval',
  NotAnApprover = 'not_an_approver',
  NotRequester = 'not_requester',
  AlreadyDecided = 'already_decided',
  NotPending = 'not_pending',
  WindowNotAllowed = 'window_not_allowed',
  SlackNotConfigured = 'slack_not_configured',
  SlackBadSignature = 'slack_bad_signature',
  SlackStaleTimestamp = 'slack_stale_timestamp',
  SlackApprovalsDisabled = 'slack_approvals_disabled',
  SlackUserUnknown = 'slack_user_unknown',
  AuditUnavailable = 'audit_unavailable',
  Internal = 'internal',
}

export class ApprovalError extends Error {
  constructor(
    readonly code: ApprovalErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApprovalError';
  }
}
