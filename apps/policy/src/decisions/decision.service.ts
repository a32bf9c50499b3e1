import { Injectable, Logger } from '@nestjs/common';
import type { DecideRequest, Decision } from '@portcullis/contracts';
import { evaluate, type DecisionUnit } from '@portcullis/policy-engine';
import { currentTraceId } from '@portcullis/telemetry';
import { PolicyStore } from '../policies/policy-store.service';

@Injectable()
export class DecisionService {
  private readonly logger = new Logger(DecisionService.name);

  constructor(private readonly store: PolicyStore) {}

  decide(request: DecideRequest): Decision {
    const policy = this.store.policy;
    try {
      const { units, fingerprint, cacheable } = this.unitsOf(request);
      const { units: _perUnit, ...decision } = evaluate(policy, request, units, { fingerprint, cacheable });
      return decision;
    } catch (err) {
      // Fail closed inside the policy service too: an exception while deciding is a deny, never an allow.
      this.logger.error(`decision failed (trace ${currentTraceId() ?? 'none'}): ${(err as Error).message}`);
      return {
        effect: 'deny',
        reason: 'the policy service could not decide (error)',
        ruleIds: ['error'],
        commandFingerprint: '',
        policyVersion: policy.version,
        cacheable: false,
      };
    }
  }

  private unitsOf(request: DecideRequest): { units: DecisionUnit[]; fingerprint: string; cacheable: boolean } {
    if (request.action.kind === 'connect') {
      return { units: [{ label: 'connect', commandMatches: () => true }], fingerprint: 'connect', cacheable: true };
    }
    throw new Error(`no classifier for ${request.action.kind} actions yet`);
  }
}
