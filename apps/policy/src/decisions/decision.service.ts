import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { DecideRequest, Decision } from '@portcullis/contracts';
import { classifyAction, evaluate, initClassifiers, type UnitDecision } from '@portcullis/policy-engine';
import { currentTraceId } from '@portcullis/telemetry';
import { PolicyStore } from '../policies/policy-store.service';

export interface Explanation {
  decision: Decision;
  units: UnitDecision[];
  classification: unknown;
}

@Injectable()
export class DecisionService implements OnModuleInit {
  private readonly logger = new Logger(DecisionService.name);

  constructor(private readonly store: PolicyStore) {}

  async onModuleInit(): Promise<void> {
    await initClassifiers();
  }

  async decide(request: DecideRequest): Promise<Decision> {
    return (await this.explain(request)).decision;
  }

  /** The decision, how each unit (statement, command) was decided, and what the parsers saw. */
  async explain(request: DecideRequest): Promise<Explanation> {
    const policy = this.store.policy;
    try {
      const classified = await classifyAction(request.action);
      const { units, ...decision } = evaluate(policy, request, classified.units, classified);
      return { decision, units, classification: classified.classification };
    } catch (err) {
      // Fail closed inside the policy service too: an exception while deciding is a deny, never an allow.
      this.logger.error(
        `decision failed (trace ${currentTraceId() ?? 'none'}): ${(err as Error).message}`,
        (err as Error).stack,
      );
      return {
        decision: {
          effect: 'deny',
          reason: 'the policy service could not decide (error)',
          ruleIds: ['error'],
          commandFingerprint: '',
          policyVersion: policy.version,
          cacheable: false,
        },
        units: [],
        classification: null,
      };
    }
  }
}
