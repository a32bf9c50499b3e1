// The product's story end to end in CI: the same steps `npm run demo` plays against `npm start`.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, freePort, startStack, type Stack } from '@portcullis/testing';
import { Client } from 'pg';
import { parse } from 'yaml';
import { devDemoEndpoints, runDemoStory } from '../scripts/demo-story';

describe('the demo story', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  const webhookPort = { port: 0 };
  const secret = `whsec_${randomBytes(24).toString('base64')}`;

  beforeAll(async () => {
    target = await createTestDatabase('demo');
    const c = new Client({ connectionString: target.url });
    await c.connect();
    await c.query(`CREATE TABLE customers (id int PRIMARY KEY, name text, email text, card text, city text);
      INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', '4111 1111 1111 1111', 'London'), (2, 'Grace', 'grace@example.org', '5500 0000 0000 0004', 'Arlington');`);
    await c.end();
    webhookPort.port = await freePort();
    const example = parse(readFileSync(join(__dirname, '../config/portcullis.yaml'), 'utf8')) as {
      policies: unknown[];
      identity: Record<string, unknown>;
    };
    const url = new URL(target.url);
    stack = await startStack({
      label: 'demo',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      env: { DEMO_WEBHOOK_SECRET: secret },
      config: {
        connections: [
          {
            name: 'demo',
            type: 'postgres',
            tags: ['prod'],
            target: { host: url.hostname, port: Number(url.port || 5432), database: target.name, tls: 'disable' },
            credentials: { username: 'postgres' },
          },
        ],
        policies: example.policies,
        approvals: {
          webhooks: [
            {
              name: 'demo-receiver',
              url: `http://127.0.0.1:${webhookPort.port}/webhooks`,
              secret: { env: 'DEMO_WEBHOOK_SECRET' },
            },
          ],
        },
      },
    });
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('plays every step: masked read, blocked DROP, approved UPDATE with a signed webhook, suspension, one audited trace', async () => {
    const http = (s: string) => `http://127.0.0.1:${stack.services[s].httpPort}`;
    const steps = await runDemoStory(
      devDemoEndpoints({
        tokenEndpoint: stack.idp.tokenEndpoint,
        brokerPort: stack.brokerPorts.postgres,
        approvalUrl: http('approval'),
        identityUrl: http('identity'),
        auditUrl: http('audit'),
        webhook: { port: webhookPort.port, secret },
      }),
    );
    expect(steps.filter((s) => !s.ok)).toEqual([]);
    expect(steps).toHaveLength(9);
  }, 60000);
});
