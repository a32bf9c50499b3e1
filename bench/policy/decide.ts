// Policy decisions per second and latency for a realistic mix, in-process and over NATS through the
// policy service running as its own process. Run: npm run build && node dist/bench/policy/decide.js
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Action, DecideRequest } from '@portcullis/contracts';
import { MessagingClient, MessagingModule } from '@portcullis/messaging';
import { classifyAction, evaluate, initClassifiers, parsePolicyText } from '@portcullis/policy-engine';
import { freePort, spawnService, testEnv, uniqueNamespace, writeConfig } from '@portcullis/testing';
import { Test } from '@nestjs/testing';
import { parse } from 'yaml';
import { report, sequential } from '../support/latency';

const N = Number(process.env.BENCH_N ?? 3000);
const root = join(__dirname, '../../..');
const policyText = readFileSync(join(root, 'docs/examples/policy.yaml'), 'utf8');

const analytic = `
WITH recent AS (
  SELECT o.customer_id, o.id, o.total, o.created_at,
         row_number() OVER (PARTITION BY o.customer_id ORDER BY o.created_at DESC) AS rn
  FROM public.orders o
  WHERE o.created_at > now() - interval '90 days' AND o.status IN ('paid', 'shipped', 'delivered')
), spend AS (
  SELECT customer_id, sum(total) AS total_90d, count(*) AS orders_90d, avg(total) AS avg_order
  FROM recent GROUP BY customer_id HAVING count(*) > 2
), regions AS (
  SELECT c.id, c.region, c.segment, coalesce(c.country, 'unknown') AS country
  FROM public.customers c JOIN public.addresses a ON a.customer_id = c.id AND a.kind = 'billing'
)
SELECT r.region, r.segment, r.country, count(DISTINCT s.customer_id) AS customers,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY s.total_90d) AS median_spend,
       sum(s.orders_90d) AS orders, max(s.avg_order) AS max_avg,
       (SELECT count(*) FROM recent x WHERE x.rn = 1 AND x.total > 1000) AS big_last_orders
FROM spend s JOIN regions r ON r.id = s.customer_id
WHERE r.segment <> 'internal' AND s.total_90d BETWEEN 100 AND 100000
GROUP BY ROLLUP (r.region, r.segment, r.country)
ORDER BY median_spend DESC NULLS LAST, customers DESC
LIMIT 500 OFFSET 0 -- ${'padding '.repeat(60)}`;

const mix: Array<[string, Action]> = [
  ['simple SELECT', { kind: 'sql', sql: 'select id, email from customers where id = 42' }],
  ['DML (approval)', { kind: 'sql', sql: "update customers set email = 'a@b.c' where id = 42" }],
  ['2 KB analytic query', { kind: 'sql', sql: analytic }],
  ['shell pipeline', { kind: 'exec', command: 'cat /var/log/syslog | grep -i error | tail -n 50', mode: 'exec' }],
  ['shell evasion (sh -c rm)', { kind: 'exec', command: "sudo sh -c 'rm -rf /tmp/x'", mode: 'exec' }],
];

const principal = {
  id: 'oid',
  tenant: 't',
  kind: 'agent' as const,
  displayName: null,
  groups: ['g'],
  groupNames: ['db-readers'],
  roles: [],
  appId: 'a',
  issuer: 'https://i',
  provider: 'dev',
  expiresAt: 2e9,
  tokenId: null,
};
const request = (action: Action): DecideRequest => ({
  principal,
  connection: { name: 'orders', type: action.kind === 'sql' ? 'postgres' : 'ssh', tags: ['prod'] },
  action,
});

async function main(): Promise<void> {
  await initClassifiers();
  const policy = parsePolicyText(policyText, 'docs/examples/policy.yaml');
  console.log(`in-process (classify + evaluate), ${N} sequential decisions each`);
  for (const [label, action] of mix) {
    const decide = async () => {
      const c = await classifyAction(action);
      return evaluate(policy, request(action), c.units, c);
    };
    report(label, await sequential(decide, N), { width: 28 });
  }

  const ns = uniqueNamespace('bench');
  const port = await freePort();
  const cfg = writeConfig({
    nats: { url: testEnv.natsUrl },
    policies: (parse(policyText) as { policies: unknown[] }).policies,
  });
  const svc = spawnService('policy', { configPath: cfg.path, httpPort: port, env: { PORTCULLIS_NATS_NAMESPACE: ns } });
  try {
    await svc.waitReady();
    process.env.PORTCULLIS_NATS_NAMESPACE = ns;
    const mod = await Test.createTestingModule({
      imports: [MessagingModule.forRoot({ serviceName: 'bench', natsUrl: testEnv.natsUrl, requestTimeoutMs: 5000 })],
    }).compile();
    const ctx = await mod.init();
    const client = ctx.get(MessagingClient);
    console.log(`over NATS to the policy service process (policy.v1.decide), ${N} sequential decisions each`);
    for (const [label, action] of mix)
      report(label, await sequential(() => client.request('policy.v1.decide', request(action)), N), { width: 28 });
    await ctx.close();
  } finally {
    await svc.stop();
    cfg.cleanup();
  }
}

void main();
