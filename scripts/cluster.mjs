// node scripts/cluster.mjs [replicas]: builds, then runs N replicas (default 2) of every service on this
// machine, each on ports of its own, over the local NATS / PostgreSQL / Redis, with a demo target
// database `shop` behind both brokers. The chaos suites (test/chaos) start the same layout through
// @portcullis/testing's startStack; this is the same thing by hand. Ctrl-C stops and removes it all.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
process.chdir(root);
const replicas = Number(process.argv[2] ?? 2);
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) {
  console.error('usage: node scripts/cluster.mjs [replicas 1-8]');
  process.exit(2);
}
if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const { startStack, createTargetDatabase, targetConnection } = require('../dist/libs/testing/src');
const services = ['identity', 'policy', 'approval', 'audit', 'broker'];

const target = await createTargetDatabase('cluster');
const stack = await startStack({
  label: 'cluster',
  services,
  replicas: Object.fromEntries(services.map((s) => [s, replicas])),
  config: {
    connections: [targetConnection('shop', target)],
    policies: [
      { id: 'connect', effect: 'allow', actions: ['connect'] },
      { id: 'read', effect: 'allow', actions: ['sql'], sql: { categories: ['read'] } },
      {
        id: 'orders-writes-need-dba',
        effect: 'approval',
        actions: ['sql'],
        sql: { categories: ['write'], onlyRelations: ['orders'] },
        approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 300 },
      },
    ],
  },
}).catch(async (err) => {
  await target.drop();
  throw err;
});

console.log(`\nPortcullis: ${replicas} replica(s) of every service, NATS namespace ${stack.namespace}\n`);
for (const s of services)
  for (const [i, p] of stack.replicas[s].entries())
    console.log(`  ${s}#${i}  pid ${p.child.pid}  http://127.0.0.1:${p.httpPort}`);
for (const [i, b] of stack.brokers.entries()) console.log(`  broker#${i} postgres 127.0.0.1:${b.postgres}`);
console.log(`\n  token endpoint ${stack.idp.tokenEndpoint}`);
console.log(
  `  try: PGPASSWORD=$(curl -s -d grant_type=client_credentials -d client_id=1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01 \\\n` +
    `       -d client_secret=dev-only-code-review-bot-secret -d scope=api://portcullis/.default ${stack.idp.tokenEndpoint} | jq -r .access_token) \\\n` +
    `       psql "host=127.0.0.1 port=${stack.brokers[0].postgres} dbname=shop user=agent sslmode=require" -c 'select * from customers'`,
);
console.log('\nCtrl-C stops every process and removes the namespace, databases and keys.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await stack.stop().catch((err) => console.error(err.message));
  await target.drop().catch((err) => console.error(err.message));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
