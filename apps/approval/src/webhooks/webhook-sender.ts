import { Webhook } from 'standardwebhooks';
import type { WebhookTarget } from '../config';

export interface AttemptResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
}

const ATTEMPT_TIMEOUT_MS = 5000;

/**
 * One delivery attempt. Signed per Standard Webhooks when the target has a secret: `webhook-id` stays
 * the same on every retry, the timestamp and signature are fresh. Redirects are not followed (the
 * receiver's URL is the one we were told to trust), and errors never echo the URL, which may be secret.
 */
export async function attemptDelivery(
  target: WebhookTarget,
  deliveryId: string,
  body: string,
  now: Date = new Date(),
): Promise<AttemptResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Portcullis-Approval/1',
  };
  if (target.secret) {
    headers['webhook-id'] = deliveryId;
    headers['webhook-timestamp'] = String(Math.floor(now.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(target.secret).sign(deliveryId, now, body);
  }
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
    return { ok: false, statusCode: res.status, error: `receiver answered HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: describeFailure(err) };
  }
}

function describeFailure(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return `no answer within ${ATTEMPT_TIMEOUT_MS} ms`;
  return `request failed: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'unknown error'}`;
}
