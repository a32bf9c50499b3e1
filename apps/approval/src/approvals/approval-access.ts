import type { Principal } from '@portcullis/contracts';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import type { DecisionChannel } from './decision.entity';

/** Who is acting on a request: a verified bearer-token principal, or a mapped Slack user. */
export interface Actor {
  id: string;
  tenant: string | null;
  kind: Principal['kind'];
  displayName: string | null;
  /** Group object ids; names too where the source only knows names (Slack mapping). */
  groups: string[];
  groupNames: string[];
  appId: string | null;
  via: DecisionChannel;
}

export function actorOf(p: Principal): Actor {
  return {
    id: p.id,
    tenant: p.tenant,
    kind: p.kind,
    displayName: p.displayName,
    groups: p.groups,
    groupNames: p.groupNames,
    appId: p.appId,
    via: 'api',
  };
}

interface Requested {
  principalId: string;
  approverGroups: string[];
}

// Ids are compared without the tenant: an object id is unique on its own, and comparing less can only refuse more.
export const isRequester = (actor: Actor, a: Requested): boolean => actor.id === a.principalId;

/** Policy may name approver groups by object id or by friendly name; either matches. */
export function inApproverGroups(actor: Actor, approverGroups: string[]): boolean {
  return approverGroups.some((g) => actor.groups.includes(g) || actor.groupNames.includes(g));
}

/** The approver rules, in the order that gives the most useful refusal. */
export function assertMayDecide(actor: Actor, a: Requested): void {
  if (actor.kind !== 'human')
    throw new ApprovalError(ApprovalErrorCode.AgentCannotApprove, 'only a human with a human token may decide');
  if (isRequester(actor, a))
    throw new ApprovalError(ApprovalErrorCode.SelfApproval, 'you asked for this command, so someone else must decide');
  if (!inApproverGroups(actor, a.approverGroups))
    throw new ApprovalError(
      ApprovalErrorCode.NotAnApprover,
      `approvers must be in one of: ${a.approverGroups.join(', ')}`,
    );
}

/** The requester may read its own request (agents poll this way); otherwise only its approvers may. */
export function assertMayView(actor: Actor, a: Requested): void {
  if (isRequester(actor, a)) return;
  if (actor.kind !== 'human')
    throw new ApprovalError(ApprovalErrorCode.AgentReadOnly, 'an agent may read only the requests it made');
  if (!inApproverGroups(actor, a.approverGroups))
    throw new ApprovalError(ApprovalErrorCode.NotAnApprover, 'only the requester and its approvers may read it');
}

/** Withdrawing is for a human requester; an agent's token is read-only here. */
export function assertMayCancel(actor: Actor, a: Requested): void {
  if (actor.kind !== 'human')
    throw new ApprovalError(ApprovalErrorCode.AgentReadOnly, 'an agent may only read its own requests');
  if (!isRequester(actor, a)) throw new ApprovalError(ApprovalErrorCode.NotRequester, 'only the requester may cancel');
}

export function assertMayListInbox(actor: Actor): void {
  if (actor.kind !== 'human')
    throw new ApprovalError(ApprovalErrorCode.AgentReadOnly, 'an agent may only read its own requests by id');
}
