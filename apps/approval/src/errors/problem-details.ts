import { ApprovalErrorCode } from './approval-error';

/** An RFC 9457 problem, plus the stable `code` clients branch on. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ApprovalErrorCode;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one mapper from a domain error to HTTP. A `Record` over the enum does not compile unless it names
 * every code, so a new code cannot ship without its status.
 */
const httpStatusByCode: Record<ApprovalErrorCode, { status: number; title: string }> = {
  [ApprovalErrorCode.BadRequest]: { status: 400, title: 'The request is malformed' },
  [ApprovalErrorCode.WindowNotAllowed]: { status: 400, title: 'This approval cannot be turned into a time window' },
  [ApprovalErrorCode.Unauthenticated]: { status: 401, title: 'A bearer token is required' },
  [ApprovalErrorCode.TokenRejected]: { status: 401, title: 'The bearer token was refused' },
  [ApprovalErrorCode.SlackBadSignature]: { status: 401, title: 'The Slack request signature does not match' },
  [ApprovalErrorCode.SlackStaleTimestamp]: { status: 401, title: 'The Slack request is too old or from the future' },
  [ApprovalErrorCode.AgentCannotApprove]: { status: 403, title: 'An agent can never approve' },
  [ApprovalErrorCode.AgentReadOnly]: { status: 403, title: 'An agent may only read its own requests' },
  [ApprovalErrorCode.SelfApproval]: { status: 403, title: 'Nobody may approve their own request' },
  [ApprovalErrorCode.NotAnApprover]: { status: 403, title: 'You are not an approver of this request' },
  [ApprovalErrorCode.NotRequester]: { status: 403, title: 'Only the requester may do this' },
  [ApprovalErrorCode.SlackApprovalsDisabled]: { status: 403, title: 'Approvals from Slack are not enabled' },
  [ApprovalErrorCode.SlackUserUnknown]: { status: 403, title: 'This Slack user is not mapped to a principal' },
  [ApprovalErrorCode.NotFound]: { status: 404, title: 'No such approval' },
  [ApprovalErrorCode.SlackNotConfigured]: { status: 404, title: 'Slack is not configured' },
  [ApprovalErrorCode.AlreadyDecided]: { status: 409, title: 'You have already decided on this request' },
  [ApprovalErrorCode.NotPending]: { status: 409, title: 'The request is no longer pending' },
  [ApprovalErrorCode.IdentityUnavailable]: {
    status: 503,
    title: 'The identity service cannot verify tokens right now',
  },
  [ApprovalErrorCode.AuditUnavailable]: {
    status: 503,
    title: 'The audit stream did not accept the record, so nothing was changed',
  },
  [ApprovalErrorCode.Internal]: { status: 500, title: 'Internal error' },
};

export function httpStatusOf(code: ApprovalErrorCode): { status: number; title: string } {
  return httpStatusByCode[code];
}

export function problemOf(code: ApprovalErrorCode, detail: string): ProblemDetails {
  const { status, title } = httpStatusOf(code);
  return { type: `urn:portcullis:approval:${code}`, title, status, detail, code };
}
