import { ApprovalErrorCode } from '../errors/approval-error';
import { parseSlackClick, slackActor } from './slack-interaction';

const ID = '6a0f2b8e-3c1d-4e5f-9a7b-1c2d3e4f5a6b';
const body = (payload: unknown) => Buffer.from(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
const click = (actionId: string, value: string = ID) =>
  body({
    type: 'block_actions',
    user: { id: 'U024BE7LH', username: 'alice' },
    actions: [{ action_id: actionId, value }],
  });

describe('Slack button clicks', () => {
  it('reads an Approve and a Deny click', () => {
    expect(parseSlackClick(click('portcullis.approve'))).toEqual({
      slackUserId: 'U024BE7LH',
      slackUserName: 'alice',
      decision: 'approve',
      approvalId: ID,
    });
    expect(parseSlackClick(click('portcullis.deny')).decision).toBe('deny');
  });

  it.each([
    ['another button', click('portcullis.open')],
    ['a value that is not an approval id', click('portcullis.approve', 'DROP TABLE')],
    ['another interaction type', body({ type: 'view_submission', user: { id: 'U1' }, actions: [] })],
    ['a body without a payload', Buffer.from('token=abc')],
    ['a payload that is not JSON', Buffer.from('payload=%7Bnope')],
  ])('refuses %s as a bad request', (_, raw) => {
    expect(() => parseSlackClick(raw)).toThrow(expect.objectContaining({ code: ApprovalErrorCode.BadRequest }));
  });

  it('makes the mapped principal a human approver that came through Slack', () => {
    const actor = slackActor(parseSlackClick(click('portcullis.approve')), { principalId: 'oid-a', groups: ['dba'] });
    expect(actor).toMatchObject({ id: 'oid-a', kind: 'human', groups: ['dba'], groupNames: ['dba'], via: 'slack' });
  });
});
