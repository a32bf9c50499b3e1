import type { ApprovalEntity } from '../approvals/approval.entity';
import { slackDecidedMessage, slackEscape, slackRequestedMessage } from './slack-message';

const approval = (over: Partial<ApprovalEntity> = {}): ApprovalEntity =>
  ({
    id: '6a0f2b8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b',
    status: 'pending',
    principalId: 'oid-bot',
    principalKind: 'agent',
    principal: { displayName: 'code-review-bot' },
    connection: 'prod-db',
    connectionRef: { name: 'prod-db', type: 'postgres', tags: [] },
    commandText: 'DELETE FROM orders WHERE id = 42',
    approverGroups: ['dba-approvers'],
    minApprovals: 1,
    ruleIds: ['prod-writes'],
    terms: { grant: 'once', timeoutSeconds: 300 },
    agentReason: null,
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    decidedBy: [],
    decidedComment: null,
    ...over,
  }) as unknown as ApprovalEntity;

const url = 'https://approvals.example.com/v1/approvals/x';
const actionIds = (m: ReturnType<typeof slackRequestedMessage>) =>
  (m.blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string }> }).elements.map(
    (e) => e.action_id,
  );

describe('Slack messages', () => {
  it('shows Approve and Deny only when Slack approvals are enabled', () => {
    expect(actionIds(slackRequestedMessage(approval(), url, true))).toEqual([
      'portcullis.approve',
      'portcullis.deny',
      'portcullis.open',
    ]);
    expect(actionIds(slackRequestedMessage(approval(), url, false))).toEqual(['portcullis.open']);
  });

  it('escapes Slack control characters and cannot be broken out of the code block', () => {
    const m = slackRequestedMessage(approval({ commandText: 'a <@U1> & ```*bold*```' }), url, true);
    const command = (m.blocks[2] as { text: { text: string } }).text.text;
    expect(command).toBe('```a &lt;@U1&gt; &amp; `\u200b`\u200b`\u200b*bold*`\u200b`\u200b`\u200b```');
    expect(command.slice(3, -3)).not.toContain('``');
    expect(slackEscape('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('keeps a long command within Slack limits and says it was cut', () => {
    const m = slackRequestedMessage(approval({ commandText: 'x'.repeat(10000) }), url, true);
    const command = (m.blocks[2] as { text: { text: string } }).text.text;
    expect(command.length).toBeLessThan(3000);
    expect(command).toContain('7500 more characters');
  });

  it('announces the outcome with who decided and their comment', () => {
    const m = slackDecidedMessage(
      approval({ status: 'denied', decidedBy: ['oid-alice'], decidedComment: 'not today' }),
      url,
    );
    expect(m.text).toContain('Denied by oid-alice: “not today”');
  });
});
