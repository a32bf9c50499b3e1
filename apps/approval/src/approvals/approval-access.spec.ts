import { ApprovalErrorCode } from '../errors/approval-error';
import {
  assertMayCancel,
  assertMayDecide,
  assertMayListInbox,
  assertMayView,
  inApproverGroups,
  type Actor,
} from './approval-access';

const actor = (over: Partial<Actor> = {}): Actor => ({
  id: 'oid-alice',
  tenant: 't1',
  kind: 'human',
  displayName: 'Alice',
  groups: ['6c1f7b2d-gid'],
  groupNames: ['dba-approvers'],
  appId: null,
  via: 'api',
  ...over,
});
const request = { principalId: 'oid-agent', approverGroups: ['dba-approvers'] };
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: ApprovalErrorCode }).code;
  }
  return 'allowed';
};

describe('who may do what with an approval', () => {
  it('matches approver groups by object id or by friendly name', () => {
    expect(inApproverGroups(actor(), ['dba-approvers'])).toBe(true);
    expect(inApproverGroups(actor(), ['6c1f7b2d-gid'])).toBe(true);
    expect(inApproverGroups(actor(), ['admins'])).toBe(false);
  });

  it.each([
    ['an approver', actor(), 'allowed'],
    ['an agent, even in the group', actor({ kind: 'agent' }), ApprovalErrorCode.AgentCannotApprove],
    ['the requester', actor({ id: 'oid-agent' }), ApprovalErrorCode.SelfApproval],
    // Self-approval is refused on the id alone, whatever tenant the other side claims.
    ['the requester from another tenant', actor({ id: 'oid-agent', tenant: 't2' }), ApprovalErrorCode.SelfApproval],
    ['a human outside the groups', actor({ groups: [], groupNames: ['auditors'] }), ApprovalErrorCode.NotAnApprover],
  ])('decide: %s → %s', (_, who, expected) => {
    expect(refusal(() => assertMayDecide(who, request))).toBe(expected);
  });

  it.each([
    ['the requesting agent', actor({ id: 'oid-agent', kind: 'agent', groups: [], groupNames: [] }), 'allowed'],
    ['another agent', actor({ id: 'oid-other', kind: 'agent' }), ApprovalErrorCode.AgentReadOnly],
    ['an approver', actor(), 'allowed'],
    ['a human outside the groups', actor({ groups: [], groupNames: [] }), ApprovalErrorCode.NotAnApprover],
  ])('view: %s → %s', (_, who, expected) => {
    expect(refusal(() => assertMayView(who, request))).toBe(expected);
  });

  it.each([
    ['a human requester', actor({ id: 'oid-agent' }), 'allowed'],
    ['the requesting agent', actor({ id: 'oid-agent', kind: 'agent' }), ApprovalErrorCode.AgentReadOnly],
    ['an approver', actor(), ApprovalErrorCode.NotRequester],
  ])('cancel: %s → %s', (_, who, expected) => {
    expect(refusal(() => assertMayCancel(who, request))).toBe(expected);
  });

  it('keeps agents out of the inbox', () => {
    expect(refusal(() => assertMayListInbox(actor({ kind: 'agent' })))).toBe(ApprovalErrorCode.AgentReadOnly);
    expect(refusal(() => assertMayListInbox(actor()))).toBe('allowed');
  });
});
