import { checkSlackSignature, signSlackRequest } from './slack-signature';

// The example from Slack's "Verifying requests from Slack" documentation.
const SLACK_DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_DOC_TS = '1531420618';
const SLACK_DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const check = (over: Partial<Parameters<typeof checkSlackSignature>[0]> = {}) =>
  checkSlackSignature({
    rawBody: Buffer.from(SLACK_DOC_BODY),
    timestamp: SLACK_DOC_TS,
    signature: SLACK_DOC_SIGNATURE,
    signingSecret: SLACK_DOC_SECRET,
    nowSeconds: Number(SLACK_DOC_TS) + 10,
    ...over,
  });

describe('Slack request signatures', () => {
  it('computes the signature Slack documents', () => {
    expect(signSlackRequest(SLACK_DOC_SECRET, SLACK_DOC_TS, SLACK_DOC_BODY)).toBe(SLACK_DOC_SIGNATURE);
  });

  it('accepts the documented request within the replay window', () => {
    expect(check()).toBe('ok');
    expect(check({ nowSeconds: Number(SLACK_DOC_TS) + 300 })).toBe('ok');
  });

  it.each([
    ['a different secret', { signingSecret: 'not-the-secret' }],
    ['a changed body', { rawBody: Buffer.from(SLACK_DOC_BODY.replace('roadrunner', 'coyote')) }],
    ['a signature of another length', { signature: 'v0=abc' }],
    ['a v1 signature', { signature: SLACK_DOC_SIGNATURE.replace('v0=', 'v1=') }],
    ['no signature', { signature: undefined }],
    ['no timestamp', { timestamp: undefined }],
    ['a timestamp that is not a number', { timestamp: '15314e6' }],
  ])('refuses %s', (_, over) => {
    expect(check(over)).toBe('bad_signature');
  });

  it('refuses a correctly signed request older or newer than five minutes', () => {
    expect(check({ nowSeconds: Number(SLACK_DOC_TS) + 301 })).toBe('stale');
    expect(check({ nowSeconds: Number(SLACK_DOC_TS) - 301 })).toBe('stale');
  });
});
