import { z } from 'zod';
import type { SlackUser } from '../config';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import { parseInput } from '../errors/parse-input';
import type { Actor } from '../approvals/approval-access';
import { SLACK_APPROVE_ACTION, SLACK_DENY_ACTION } from '../webhooks/slack-message';

const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().optional() }))
    .min(1)
    .max(1),
});

export interface SlackClick {
  slackUserId: string;
  slackUserName: string | null;
  decision: 'approve' | 'deny';
  approvalId: string;
}

/** Reads an Approve / Deny button click out of a (signature-checked) interaction body. */
export function parseSlackClick(rawBody: Buffer): SlackClick {
  const payload = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  let json: unknown;
  try {
    json = JSON.parse(payload ?? '');
  } catch {
    throw new ApprovalError(ApprovalErrorCode.BadRequest, 'expected a form field payload holding Slack JSON');
  }
  const click = parseInput(blockActionsSchema, json, 'payload');
  const action = click.actions[0];
  const decision =
    action.action_id === SLACK_APPROVE_ACTION ? 'approve' : action.action_id === SLACK_DENY_ACTION ? 'deny' : null;
  const approvalId = z.string().uuid().safeParse(action.value);
  if (!decision || !approvalId.success)
    throw new ApprovalError(ApprovalErrorCode.BadRequest, `not a Portcullis approval button: ${action.action_id}`);
  return {
    slackUserId: click.user.id,
    slackUserName: click.user.username ?? click.user.name ?? null,
    decision,
    approvalId: approvalId.data,
  };
}

/**
 * A mapped Slack user acting as an approver. Weaker than a token: Slack vouches for the click, the
 * mapping in our config vouches for who that Slack user is, and no identity provider is asked.
 */
export function slackActor(click: SlackClick, user: SlackUser): Actor {
  return {
    id: user.principalId,
    tenant: null,
    kind: 'human',
    displayName: click.slackUserName
      ? `${click.slackUserName} (Slack ${click.slackUserId})`
      : `Slack ${click.slackUserId}`,
    groups: user.groups,
    groupNames: user.groups,
    appId: null,
    via: 'slack',
  };
}
