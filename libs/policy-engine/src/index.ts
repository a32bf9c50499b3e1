export { evaluate, NO_MATCH_RULE } from './engine';
export type { DecisionUnit, UnitDecision } from './engine';
export { loadPolicySet, loadPolicyDirectory, parsePolicyText, PolicyError } from './policy-set';
export type { PolicySet } from './policy-set';
export { ruleSchema, actionKinds } from './rule-schema';
export type { PolicyRule, SqlCondition, ShellCondition, K8sCondition, HttpCondition, MaskingSpec } from './rule-schema';
export { principalMatches, connectionMatches } from './selectors';
export { globMatch } from './glob';
