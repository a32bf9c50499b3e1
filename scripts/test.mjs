// npm test: build (e2e suites run the compiled services as real processes), then every jest suite.
// Extra arguments go to jest, e.g. `npm test -- libs/config`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

if (run(process.execPath, ['scripts/build.mjs']) !== 0) process.exit(1);
// The suites create their own databases from this one; a fresh PostgreSQL does not have it yet.
const require = createRequire(import.meta.url);
const { ensureDatabase } = require('../dist/scripts/ensure-database');
const { testEnv } = require('../dist/libs/testing/src/environment');
await ensureDatabase(testEnv.postgresUrl).catch((err) =>
  process.stderr.write(`cannot reach PostgreSQL at ${testEnv.postgresUrl}: ${err.message}\n`),
);
mkdirSync(join(root, 'tmp'), { recursive: true });
const results = join(root, 'tmp', 'jest-results.json');
const started = Date.now();
const status = run(process.execPath, [
  join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
  '--ci',
  '--maxWorkers=2',
  '--json',
  `--outputFile=${results}`,
  ...process.argv.slice(2),
]);
try {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  process.stdout.write(`\njest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped\n`);
  process.stdout.write(`test run took ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (r.numTotalTests === 0) process.exit(1);
} catch {
  process.stdout.write('jest did not write its results\n');
  process.exit(status === 0 ? 1 : status);
}
process.exit(status);
