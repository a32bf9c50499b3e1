import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a request signed longer ago (or further ahead) than this is refused. */
export const SLACK_MAX_AGE_SECONDS = 5 * 60;

export type SlackSignatureCheck = 'ok' | 'bad_signature' | 'stale';

/**
 * Slack's v0 request signing: HMAC-SHA256 with the app's signing secret over `v0:{timestamp}:{body}`,
 * sent as `v0=<hex>` in X-Slack-Signature. The body must be the exact bytes received. The timestamp
 * is checked first, so a captured request cannot be replayed after the window, and the digests are
 * compared in constant time.
 */
export function checkSlackSignature(input: {
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  signingSecret: string;
  nowSeconds?: number;
}): SlackSignatureCheck {
  const { rawBody, timestamp, signature, signingSecret } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return 'bad_signature';
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > SLACK_MAX_AGE_SECONDS) return 'stale';
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'bad_signature';
}

export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}
