import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@portcullis/config';
import { loadApprovalSettings } from './config';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function settings(yaml: string, env: NodeJS.ProcessEnv = {}) {
  return loadApprovalSettings(parseConfig(yaml, 'p.yaml', {}), env);
}

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    settings(yaml, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the approvals section to be refused');
}

describe('approvals config', () => {
  it('has working defaults when the section is absent', () => {
    expect(settings('')).toEqual({
      publicUrl: 'http://127.0.0.1:7103',
      webhooks: [],
      slack: undefined,
      retry: { maxAttempts: 8, baseDelayMs: 1000 },
    });
  });

  it('resolves every secret reference and fills webhook defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'approvals-'));
    writeFileSync(join(dir, 'slack-url'), 'https://hooks.slack.com/services/T/B/x\n');
    const yaml = [
      'approvals:',
      '  publicUrl: https://approvals.example.com/',
      '  webhooks:',
      '    - { name: ops, url: "https://ops.example.com/hook", secret: { env: OPS_SECRET } }',
      `    - { name: chat, url: { file: ${join(dir, 'slack-url')} }, format: slack, events: [approval.requested] }`,
      '  slack:',
      '    signingSecret: { env: SLACK_SECRET }',
      '    allowApprovals: true',
      '    users: { U024BE7LH: { principalId: oid-1, groups: [dba-approvers] } }',
      '  retry: { maxAttempts: 3, baseDelayMs: 50 }',
    ].join('\n');
    expect(settings(yaml, { OPS_SECRET: SECRET, SLACK_SECRET: 'shh' })).toEqual({
      publicUrl: 'https://approvals.example.com',
      webhooks: [
        {
          name: 'ops',
          url: 'https://ops.example.com/hook',
          secret: SECRET,
          events: ['approval.requested', 'approval.decided'],
          format: 'standard',
        },
        {
          name: 'chat',
          url: 'https://hooks.slack.com/services/T/B/x',
          secret: undefined,
          events: ['approval.requested'],
          format: 'slack',
        },
      ],
      slack: {
        signingSecret: 'shh',
        allowApprovals: true,
        users: { U024BE7LH: { principalId: 'oid-1', groups: ['dba-approvers'] } },
      },
      retry: { maxAttempts: 3, baseDelayMs: 50 },
    });
  });

  it('names file:line:col and the key of an unknown key', () => {
    expect(problemsOf('approvals:\n  retry:\n    maxAttempts: 3\n    backoff: 2\n')).toEqual([
      'p.yaml:3:5: approvals.retry: unknown key backoff',
    ]);
  });

  it('refuses an inline secret without echoing it', () => {
    const problems = problemsOf(
      'approvals:\n  webhooks:\n    - name: ops\n      url: https://x.example.com\n      secret: hunter2hunter2\n',
    );
    expect(problems).toEqual([
      'p.yaml:5:15: approvals.webhooks[0].secret: must be a secret reference ({ env: NAME } or { file: PATH }), never the secret itself',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('requires a signing secret for standard webhooks and refuses duplicate names', () => {
    const yaml = [
      'approvals:',
      '  webhooks:',
      '    - { name: ops, url: "https://a.example.com" }',
      '    - { name: ops, url: "https://b.example.com", format: slack }',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual([
      'p.yaml:3:7: approvals.webhooks[0].secret: a standard webhook needs a signing secret reference',
      'p.yaml:4:15: approvals.webhooks[1].name: duplicate webhook ops',
    ]);
  });

  it('reports every unresolvable secret with its position, never its value', () => {
    const yaml = [
      'approvals:',
      '  webhooks:',
      '    - { name: ops, url: "https://a.example.com", secret: { env: MISSING_ONE } }',
      '    - { name: weak, url: "https://b.example.com", secret: { env: WEAK } }',
      '  slack:',
      '    signingSecret: { file: /nonexistent/slack }',
    ].join('\n');
    const problems = problemsOf(yaml, { WEAK: 'whsec_c2hvcnQ=' });
    expect(problems).toEqual([
      'p.yaml:3:58: approvals.webhooks[0].secret: environment variable MISSING_ONE is not set',
      expect.stringMatching(/^p\.yaml:4:59: approvals\.webhooks\[1\]\.secret: must be a Standard Webhooks secret/),
      'p.yaml:6:20: approvals.slack.signingSecret: secret file /nonexistent/slack cannot be read (ENOENT)',
    ]);
    expect(problems.join('\n')).not.toContain('c2hvcnQ');
  });

  it('checks a referenced URL once it is resolved, and Slack user ids', () => {
    const yaml = [
      'approvals:',
      '  webhooks: [{ name: chat, url: { env: CHAT_URL }, format: slack }]',
      '  slack: { signingSecret: { env: S }, users: { alice: { principalId: x } } }',
    ].join('\n');
    expect(problemsOf(yaml, { CHAT_URL: 'ftp://nope', S: 's' })).toEqual([
      'p.yaml:3:55: approvals.slack.users.alice: must be a Slack user id such as U024BE7LH',
    ]);
    expect(problemsOf(yaml.replace('alice', 'U024BE7LH'), { CHAT_URL: 'ftp://nope', S: 's' })).toEqual([
      'p.yaml:2:33: approvals.webhooks[0].url: the referenced value is not an http(s) URL',
    ]);
  });
});
