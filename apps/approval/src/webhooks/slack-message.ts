import type { ApprovalEntity } from '../approvals/approval.entity';

export const SLACK_APPROVE_ACTION = 'portcullis.approve';
export const SLACK_DENY_ACTION = 'portcullis.deny';

// Slack refuses a section text over 3,000 characters; leave room for the fence and the note.
const MAX_COMMAND_CHARS = 2500;

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** Slack mrkdwn treats &, < and > as control characters; everything else is shown as written. */
export const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const requesterOf = (a: ApprovalEntity): string => slackEscape(a.principal.displayName ?? a.principalId);

function commandBlock(command: string): string {
  const cut = command.length > MAX_COMMAND_CHARS;
  // Backticks in the command could end the code block early and let the rest render as formatting:
  // an invisible zero-width space after each one keeps any run of them from forming a fence.
  const shown = slackEscape(cut ? command.slice(0, MAX_COMMAND_CHARS) : command).replace(/`/g, '`\u200b');
  const note = cut ? `\n_…${command.length - MAX_COMMAND_CHARS} more characters: open the request to see all_` : '';
  return `\`\`\`${shown}\`\`\`${note}`;
}

/**
 * The approver's card: the exact command, the context, and Approve / Deny buttons when Slack approvals
 * are enabled (otherwise only a link to the request, decided over the API with a real token).
 */
export function slackRequestedMessage(a: ApprovalEntity, url: string, withButtons: boolean): SlackMessage {
  const expires = Math.floor(a.expiresAt.getTime() / 1000);
  const facts = [
    `*Rules:* ${slackEscape(a.ruleIds.join(', ') || '(none)')}`,
    `*Approvers:* ${slackEscape(a.approverGroups.join(', '))} (${a.minApprovals} needed)`,
    `*Grant:* ${a.terms.grant === 'window' ? `time window of ${a.terms.windowSeconds ?? '?'} s` : 'this command once'}`,
    `*Expires:* <!date^${expires}^{date_short_pretty} {time}|${a.expiresAt.toISOString()}>`,
  ];
  const buttons: Array<Record<string, unknown>> = withButtons
    ? [button('Approve', SLACK_APPROVE_ACTION, a.id, 'primary'), button('Deny', SLACK_DENY_ACTION, a.id, 'danger')]
    : [];
  buttons.push({ type: 'button', action_id: 'portcullis.open', text: plain('Open request'), url });
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: plain('Approval needed') },
    {
      type: 'section',
      text: mrkdwn(
        `*${requesterOf(a)}* wants to run this on *${slackEscape(a.connection)}* (${a.connectionRef.type}):`,
      ),
    },
    { type: 'section', text: mrkdwn(commandBlock(a.commandText)) },
    { type: 'section', fields: facts.map(mrkdwn) },
  ];
  if (a.agentReason)
    blocks.push({ type: 'context', elements: [mrkdwn(`_Reason given:_ ${slackEscape(a.agentReason)}`)] });
  blocks.push({ type: 'actions', block_id: `approval:${a.id}`, elements: buttons });
  return { text: `Approval needed: ${requesterOf(a)} on ${slackEscape(a.connection)}`, blocks };
}

const outcomeWords: Record<string, string> = {
  approved: ':white_check_mark: Approved',
  denied: ':no_entry: Denied',
  expired: ':hourglass: Expired',
  cancelled: ':wastebasket: Cancelled',
};

export function slackDecidedMessage(a: ApprovalEntity, url: string): SlackMessage {
  const by = a.decidedBy.length > 0 ? ` by ${slackEscape(a.decidedBy.join(', '))}` : '';
  const comment = a.decidedComment ? `: “${slackEscape(a.decidedComment)}”` : '';
  const line = `${outcomeWords[a.status] ?? a.status}${by}${comment}`;
  return {
    text: `${line} (request ${a.id})`,
    blocks: [
      { type: 'section', text: mrkdwn(line) },
      {
        type: 'context',
        elements: [mrkdwn(`<${url}|Request ${a.id}> from ${requesterOf(a)} on ${slackEscape(a.connection)}`)],
      },
    ],
  };
}

function button(label: string, actionId: string, value: string, style: 'primary' | 'danger'): Record<string, unknown> {
  return { type: 'button', action_id: actionId, text: plain(label), value, style };
}

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
