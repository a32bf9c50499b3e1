// npm run demo: plays the product's story against the Portcullis that `npm start` is running.
import { readFileSync } from 'node:fs';
import { loadConfig } from '@portcullis/config';
import { DEV_TENANT } from '@portcullis/dev-identities';
import { devDemoEndpoints, runDemoStory } from './demo-story';
import { DEMO_WEBHOOK_PORT, DEMO_WEBHOOK_SECRET_FILE } from './demo-webhook';

async function main(): Promise<void> {
  const { config } = loadConfig();
  const issuer = config.identity.providers[0]?.issuer ?? `http://127.0.0.1:7180/${DEV_TENANT}/v2.0`;
  const http = (port: number) => `http://127.0.0.1:${port}`;
  let secret: string;
  try {
    secret = readFileSync(DEMO_WEBHOOK_SECRET_FILE, 'utf8').trim();
  } catch {
    process.stderr.write('demo: start Portcullis first with `npm start` (it creates the demo webhook secret)\n');
    process.exit(1);
  }
  process.stdout.write('Portcullis demo: an AI agent with a short-lived token instead of a database password\n\n');
  const steps = await runDemoStory(
    devDemoEndpoints({
      tokenEndpoint: issuer.replace(/\/v2\.0$/, '/oauth2/v2.0/token'),
      brokerPort: config.services.broker.postgresPort,
      approvalUrl: http(config.services.approval.httpPort),
      identityUrl: http(config.services.identity.httpPort),
      auditUrl: http(config.services.audit.httpPort),
      webhook: { port: DEMO_WEBHOOK_PORT, secret },
    }),
    (line) => process.stdout.write(`${line}\n\n`),
  );
  const failed = steps.filter((s) => !s.ok).length;
  process.stdout.write(
    failed === 0 ? 'every step behaved as it should\n' : `${failed} step(s) did not behave as expected\n`,
  );
  process.exit(failed === 0 ? 0 : 1);
}

void main().catch((err: Error) => {
  process.stderr.write(`demo: ${err.message}\n`);
  process.exit(1);
});
