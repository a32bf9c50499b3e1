import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the demo's webhook receiver listens, and the signing secret npm start creates for it. */
export const DEMO_WEBHOOK_PORT = 7190;
export const DEMO_WEBHOOK_SECRET_FILE = '.portcullis/demo-webhook-secret';

/** A random Standard Webhooks secret for this checkout, created once, never committed (.gitignore). */
export function ensureDemoWebhookSecret(): void {
  if (existsSync(DEMO_WEBHOOK_SECRET_FILE)) return;
  mkdirSync(dirname(DEMO_WEBHOOK_SECRET_FILE), { recursive: true });
  writeFileSync(DEMO_WEBHOOK_SECRET_FILE, `whsec_${randomBytes(24).toString('base64')}\n`, { mode: 0o600 });
}
