import { statSync } from 'node:fs';
import { loadConfig } from '@portcullis/config';
import {
  classifyAction,
  evaluate,
  initClassifiers,
  loadPolicyDirectory,
  loadPolicySet,
  parsePolicyText,
  type PolicySet,
} from '@portcullis/policy-engine';
import { readFileSync } from 'node:fs';
import { readPolicyCases } from './policy-cases';

export interface PolicyTestResult {
  passed: number;
  failed: number;
  lines: string[];
}

/** The policy under test: a directory or file of rules, or the policies of a Portcullis config. */
export function loadPolicyUnderTest(opts: { policies?: string; config?: string }): PolicySet {
  if (opts.policies) {
    return statSync(opts.policies).isDirectory()
      ? loadPolicyDirectory(opts.policies)
      : parsePolicyText(readFileSync(opts.policies, 'utf8'), opts.policies);
  }
  return loadPolicySet(loadConfig(opts.config));
}

export async function runPolicyTests(casesPath: string, policy: PolicySet): Promise<PolicyTestResult> {
  await initClassifiers();
  const result: PolicyTestResult = { passed: 0, failed: 0, lines: [] };
  for (const c of readPolicyCases(casesPath)) {
    const classified = await classifyAction(c.action);
    const d = evaluate(
      policy,
      { principal: c.principal, connection: c.connection, action: c.action },
      classified.units,
      classified,
    );
    const effectOk = d.effect === c.expect.effect;
    const rulesOk =
      !c.expect.rules ||
      (c.expect.rules.length === d.ruleIds.length && c.expect.rules.every((r) => d.ruleIds.includes(r)));
    if (effectOk && rulesOk) {
      result.passed++;
      result.lines.push(`ok    ${c.name}`);
    } else {
      result.failed++;
      const want = `${c.expect.effect}${c.expect.rules ? ` [${c.expect.rules.join(', ')}]` : ''}`;
      result.lines.push(`FAIL  ${c.name}: expected ${want}, got ${d.effect} [${d.ruleIds.join(', ')}] (${d.reason})`);
    }
  }
  return result;
}
