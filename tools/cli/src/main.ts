#!/usr/bin/env node
// portcullis: command-line tools for operators. `portcullis policy test <cases.yaml>` runs a security
// team's policy tests and exits non-zero on any mismatch, so policies can be checked in CI.
import { ConfigError } from '@portcullis/config';
import { PolicyError } from '@portcullis/policy-engine';
import { loadPolicyUnderTest, runPolicyTests } from './policy-test';

const usage = `usage: portcullis policy test <cases.yaml> [--policies <file|dir>] [--config <portcullis.yaml>]

  Runs policy test cases (input → expected effect and rule ids) against a policy, without any service.
  The policy comes from --policies, or the policies section of --config (default: PORTCULLIS_CONFIG,
  then config/portcullis.yaml).`;

async function main(argv: string[]): Promise<number> {
  const [group, command, casesPath, ...rest] = argv;
  if (group !== 'policy' || command !== 'test' || !casesPath) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const opts: { policies?: string; config?: string } = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if ((flag !== '--policies' && flag !== '--config') || !value) {
      process.stderr.write(`${usage}\n`);
      return 2;
    }
    opts[flag === '--policies' ? 'policies' : 'config'] = value;
  }
  try {
    const policy = loadPolicyUnderTest(opts);
    const result = await runPolicyTests(casesPath, policy);
    process.stdout.write(
      `${result.lines.join('\n')}\n\npolicy ${policy.version}: ${result.passed} passed, ${result.failed} failed\n`,
    );
    return result.failed === 0 ? 0 : 1;
  } catch (err) {
    const lines = err instanceof PolicyError || err instanceof ConfigError ? err.problems : [(err as Error).message];
    for (const l of lines) process.stderr.write(`portcullis: ${l}\n`);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
