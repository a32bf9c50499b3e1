// npm start: build, check NATS/PostgreSQL/Redis, run migrations, then run the development identity
// provider and the five services in this terminal with prefixed logs. Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
process.chdir(root);
const t0 = Date.now();

if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);

const { loadConfig, ConfigError } = require('../dist/libs/config/src');
const { preflight } = require('../dist/libs/runtime/src');
const { ensureDatabase } = require('../dist/scripts/ensure-database');
const { seedDemoDatabase } = require('../dist/scripts/demo-database');
const { ensureDemoWebhookSecret } = require('../dist/scripts/demo-webhook');

let loaded;
try {
  loaded = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    for (const p of err.problems) console.error(`portcullis: ${p}`);
    process.exit(2);
  }
  throw err;
}
const { config } = loaded;
console.log(`config: ${loaded.path}`);

await ensureDatabase(config.postgres.url).catch(() => undefined); // preflight reports the real problem
const missing = await preflight(['nats', 'postgres', 'redis'], {
  natsUrl: config.nats.url,
  postgresUrl: config.postgres.url,
  redisUrl: config.redis.url,
});
if (missing.length > 0) {
  for (const m of missing) console.error(`portcullis: ${m.message}`);
  process.exit(1);
}

ensureDemoWebhookSecret();
const demo = await seedDemoDatabase(config);
if (demo) console.log(`demo database: ${demo}`);

for (const app of ['identity', 'approval', 'audit']) {
  const r = spawnSync(process.execPath, [`dist/apps/${app}/src/migrate.js`], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const colors = [36, 33, 35, 32, 34, 31, 90];
const children = [];
function run(name, entry, env = {}) {
  const color = colors[children.length % colors.length];
  const prefix = `\u001b[${color}m${name.padEnd(9)}|\u001b[0m `;
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) process.stdout.write(prefix + l + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything`);
      stop(1);
    }
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

if (existsSync(join(root, 'dist/tools/dev-idp/src/main.js'))) run('dev-idp', 'dist/tools/dev-idp/src/main.js');
const services = ['identity', 'policy', 'approval', 'audit', 'broker'];
for (const s of services) run(s, `dist/apps/${s}/src/main.js`);

const ports = Object.fromEntries(services.map((s) => [s, config.services[s].httpPort]));
const deadline = Date.now() + 60000;
const pending = new Set(services);
while (pending.size > 0 && Date.now() < deadline && !stopping) {
  for (const s of [...pending]) {
    try {
      const res = await fetch(`http://127.0.0.1:${ports[s]}/readyz`);
      if (res.status === 200) pending.delete(s);
    } catch {
      // not up yet
    }
  }
  await new Promise((r) => setTimeout(r, 200));
}
if (pending.size > 0) {
  console.error(`portcullis: not ready after 60 s: ${[...pending].join(', ')}`);
  stop(1);
} else {
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`\nPortcullis is up in ${secs} s: all five services answer /readyz.`);
  for (const s of services) console.log(`  ${s.padEnd(9)} http://127.0.0.1:${ports[s]}  (/healthz /readyz /metrics)`);
  const pg = config.services.broker.postgresPort;
  console.log(`\nIn another terminal: npm run demo   (the whole story, step by step)`);
  console.log(`\nOr try it yourself: get a token with the curl above (dev-idp), then`);
  console.log(
    `  PGPASSWORD=$TOKEN psql "host=127.0.0.1 port=${pg} dbname=demo user=agent sslmode=require" -c 'select * from customers'`,
  );
}
