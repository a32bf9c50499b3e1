import { NO_MATCH_RULE, UNPARSEABLE_RULE } from '@portcullis/contracts';
import type { ApprovalTerms, DecideRequest, Decision, Effect, MaskingRule } from '@portcullis/contracts';

export { NO_MATCH_RULE, UNPARSEABLE_RULE };
import type { PolicyRule } from './rule-schema';
import type { PolicySet } from './policy-set';
import { connectionMatches, principalMatches } from './selectors';

/**
 * One thing the policy decides on: a whole connect, one SQL statement of a multi-statement message, one
 * HTTP request. `commandMatches` says whether a rule's command conditions hold for it.
 */
export interface DecisionUnit {
  /** Shown in reasons, e.g. "statement 2 (drop)". */
  label: string;
  commandMatches(rule: PolicyRule): boolean;
  /** A unit that could not be understood (unparseable SQL or shell): denied whatever the rules say. */
  unparseable?: string;
}

export interface UnitDecision {
  label: string;
  effect: Effect;
  ruleIds: string[];
  reason: string;
}

const rank: Record<Effect, number> = { allow: 0, approval: 1, deny: 2 };

/** Default deny; deny beats approval beats allow, per unit and across the units of one action. */
export function evaluate(
  set: PolicySet,
  request: DecideRequest,
  units: DecisionUnit[],
  meta: { fingerprint: string; cacheable: boolean },
): Decision & { units: UnitDecision[] } {
  const applicable = set.rules.filter(
    (r) =>
      r.actions.includes(request.action.kind) &&
      principalMatches(r.principals, request.principal) &&
      connectionMatches(r.connections, request.connection),
  );
  const unitDecisions: UnitDecision[] = [];
  const masking: MaskingRule[] = [];
  let approval: ApprovalTerms | undefined;

  for (const unit of units) {
    if (unit.unparseable !== undefined) {
      unitDecisions.push({
        label: unit.label,
        effect: 'deny',
        ruleIds: ['unparseable'],
        reason: `cannot be parsed: ${unit.unparseable}`,
      });
      continue;
    }
    const matched = applicable.filter((r) => unit.commandMatches(r));
    const byEffect = (e: Effect) => matched.filter((r) => r.effect === e);
    const deny = byEffect('deny');
    const approvals = byEffect('approval');
    const allows = byEffect('allow');
    if (deny.length > 0) {
      unitDecisions.push({ label: unit.label, effect: 'deny', ruleIds: ids(deny), reason: reasonOf(deny[0]) });
    } else if (approvals.length > 0) {
      approval = mergeApproval(approval, approvals);
      unitDecisions.push({
        label: unit.label,
        effect: 'approval',
        ruleIds: ids(approvals),
        reason: reasonOf(approvals[0]),
      });
    } else if (allows.length > 0) {
      unitDecisions.push({ label: unit.label, effect: 'allow', ruleIds: ids(allows), reason: reasonOf(allows[0]) });
    } else {
      unitDecisions.push({
        label: unit.label,
        effect: 'deny',
        ruleIds: [NO_MATCH_RULE],
        reason: 'no policy rule allows this',
      });
    }
    for (const r of [...approvals, ...allows]) for (const m of r.masking ?? []) masking.push({ ...m, ruleId: r.id });
  }

  if (unitDecisions.length === 0) {
    unitDecisions.push({ label: 'empty', effect: 'deny', ruleIds: [NO_MATCH_RULE], reason: 'nothing to decide on' });
  }
  const worst = unitDecisions.reduce((a, b) => (rank[b.effect] > rank[a.effect] ? b : a));
  const decisive = unitDecisions.filter((u) => u.effect === worst.effect);
  const ruleIds = [...new Set(decisive.flatMap((u) => u.ruleIds))];
  const prefix = units.length > 1 ? `${worst.label}: ` : '';
  return {
    effect: worst.effect,
    reason: `${prefix}${worst.reason}`,
    ruleIds,
    ...(worst.effect === 'approval' && approval ? { approval } : {}),
    ...(worst.effect !== 'deny' && masking.length > 0 ? { masking: dedupeMasking(masking) } : {}),
    commandFingerprint: meta.fingerprint,
    policyVersion: set.version,
    // Approvals are per exact command and denials are cheap to recompute; only plain allows are reused.
    cacheable: meta.cacheable && worst.effect === 'allow',
    units: unitDecisions,
  };
}

function ids(rules: PolicyRule[]): string[] {
  return rules.map((r) => r.id);
}

function reasonOf(rule: PolicyRule): string {
  return rule.reason ?? rule.description ?? `matched ${rule.effect} rule ${rule.id}`;
}

/**
 * Several approval rules matching one action: the first listed supplies approvers and mode, and the
 * strictest numbers win (most approvals, shortest timeout, single-use over window).
 */
function mergeApproval(current: ApprovalTerms | undefined, rules: PolicyRule[]): ApprovalTerms {
  let merged = current;
  for (const r of rules) {
    const a = r.approval;
    if (!a) continue;
    const terms: ApprovalTerms = {
      approverGroups: a.approverGroups,
      minApprovals: a.minApprovals,
      mode: a.mode,
      grant: a.grant,
      timeoutSeconds: a.timeoutSeconds,
      ...(a.windowSeconds !== undefined ? { windowSeconds: a.windowSeconds } : {}),
    };
    if (!merged) {
      merged = terms;
      continue;
    }
    merged = {
      ...merged,
      minApprovals: Math.max(merged.minApprovals, terms.minApprovals),
      timeoutSeconds: Math.min(merged.timeoutSeconds, terms.timeoutSeconds),
      grant: merged.grant === 'once' || terms.grant === 'once' ? 'once' : 'window',
      mode: merged.mode === 'hold' || terms.mode === 'hold' ? 'hold' : 'async',
    };
    if (merged.grant === 'once') delete merged.windowSeconds;
  }
  if (!merged) throw new Error('approval rule without terms');
  return merged;
}

function dedupeMasking(list: MaskingRule[]): MaskingRule[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = JSON.stringify([m.column, m.jsonPath, m.detector, m.strategy]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
