import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NO_MATCH_RULE, type Action, type Decision } from '@portcullis/contracts';
import { EventBus, MessagingError } from '@portcullis/messaging';
import { classifySql, initSqlParser } from '@portcullis/sql-classifier';
import { Counter } from 'prom-client';
import { inSpan, metricsRegistry } from '@portcullis/telemetry';
import { context } from '@opentelemetry/api';
import { AccessGate } from '../access/access-gate.service';
import { SessionRegistry } from '../sessions/session-registry.service';
import type { LiveSession } from '../sessions/session';
import { ApprovalGate } from './approval-gate.service';
import { CommandAudit } from './command-audit.service';
import { DecisionCache } from './decision-cache';

/** What a protocol front end does with one command. Every refusal carries a message for the agent. */
export type CommandVerdict =
  | { verdict: 'forward'; decision: Decision; approvalId?: string; traceId?: string }
  | {
      verdict: 'refuse';
      code: 'denied' | 'approval_pending' | 'approval_denied' | 'unavailable';
      message: string;
      ruleIds: string[];
      approvalId?: string;
    };

/** What happens to one line typed in an open interactive session. */
export type LineScreening = { blocked: false } | { blocked: true; message: string };

const decisionsTotal = new Counter({
  name: 'portcullis_broker_decisions_total',
  help: 'Commands decided by the broker, by channel, verdict and whether the decision came from the cache',
  labelNames: ['channel', 'verdict', 'cached'],
  registers: [metricsRegistry],
});

/**
 * The one decision pipeline every protocol front end uses: policy (or its cached decision), approval
 * when asked for, and the write-ahead audit record. Nothing is forwarded unless policy allowed it (or an
 * approver did) and the audit stream acknowledged the decision; any failure on the way refuses.
 */
@Injectable()
export class CommandPipeline implements OnModuleInit {
  private readonly cache = new DecisionCache();

  constructor(
    private readonly gate: AccessGate,
    private readonly approvals: ApprovalGate,
    private readonly audit: CommandAudit,
    private readonly events: EventBus,
    private readonly sessions: SessionRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await initSqlParser();
    await this.events.subscribe('policy.v1.reloaded', (e) => {
      if (e.accepted) this.cache.policyChanged(e.policyVersion);
    });
    this.sessions.onRevocation(() => this.cache.clear());
  }

  /**
   * One trace per command: the span opened here is carried in NATS headers to policy and approval, and
   * its trace id is written into the audit events of the decision and of the execution.
   */
  authorize(session: LiveSession, action: Action, command: string): Promise<CommandVerdict> {
    return inSpan(`broker.${action.kind}`, context.active(), async (span) => {
      span.setAttribute('portcullis.session', session.id);
      span.setAttribute('portcullis.connection', session.connection.ref.name);
      const verdict = await this.authorizeInSpan(session, action, command);
      span.setAttribute('portcullis.verdict', verdict.verdict === 'forward' ? 'forward' : verdict.code);
      return verdict.verdict === 'forward' ? { ...verdict, traceId: span.spanContext().traceId } : verdict;
    });
  }

  private async authorizeInSpan(session: LiveSession, action: Action, command: string): Promise<CommandVerdict> {
    const key = this.cacheKey(session, action, command);
    let decision = key === undefined ? undefined : this.cache.get(key);
    const cached = decision !== undefined;
    if (!decision) {
      const outcome = await this.gate.decide(session.principal, session.connection.ref.name, action);
      if (outcome.outcome === 'deny' && outcome.code !== 'denied') {
        await this.audit.refused(session, command, outcome.detail);
        return this.count(session, cached, {
          verdict: 'refuse',
          code: 'unavailable',
          message: `cannot decide: ${outcome.detail}`,
          ruleIds: [],
        });
      }
      decision = outcome.decision;
      if (key !== undefined) this.cache.set(key, decision);
    }
    return this.count(session, cached, await this.act(session, action, command, decision));
  }

  /**
   * A line typed in an interactive session policy already let open (an SSH shell, `kubectl exec -it`).
   * The session itself was allowed or approved, so allow and approval rules, and the default deny, do not
   * stop a line; a line an explicit deny rule matches or the parser cannot read is blocked, and so is
   * every line while policy or the audit stream cannot answer. Each screening is an audited decision.
   */
  async screen(session: LiveSession, line: string): Promise<LineScreening> {
    const action: Action = { kind: 'exec', command: line, mode: 'exec' };
    const outcome = await this.gate.decide(session.principal, session.connection.ref.name, action);
    if (outcome.outcome === 'deny' && outcome.code !== 'denied') {
      await this.audit.refused(session, line, outcome.detail);
      return { blocked: true, message: `cannot check the line: ${outcome.detail}` };
    }
    const d = outcome.decision;
    const blocked = d.effect === 'deny' && d.ruleIds.some((r) => r !== NO_MATCH_RULE);
    const recorded: Decision = blocked
      ? d
      : { ...d, effect: 'allow', reason: `typed in an open interactive session, no deny rule matches (${d.reason})` };
    try {
      await this.audit.decided(session, action, line, recorded);
    } catch {
      return { blocked: true, message: 'the audit trail is unavailable, so nothing is forwarded' };
    }
    return blocked ? { blocked: true, message: `denied by ${d.ruleIds.join(', ')}: ${d.reason}` } : { blocked: false };
  }

  /**
   * Repeated statements differ in their literals (`WHERE aid = 17`, then 18): the key for SQL is the
   * parser's fingerprint, which leaves literals out, and only statements whose meaning does not depend on
   * a literal get one. The broker's parse only names the cache entry; deciding stays with policy, which
   * marks its own answer cacheable or not.
   */
  private cacheKey(session: LiveSession, action: Action, command: string): string | undefined {
    if (action.kind !== 'sql')
      return DecisionCache.key(session.principal, session.connection.ref.name, action.kind, command);
    const c = classifySql(action.sql);
    if (!c.ok || !c.cacheable) return undefined;
    return DecisionCache.key(session.principal, session.connection.ref.name, 'sql-fingerprint', c.fingerprint);
  }

  private async act(
    session: LiveSession,
    action: Action,
    command: string,
    decision: Decision,
  ): Promise<CommandVerdict> {
    let approvalId: string | undefined;
    if (decision.effect === 'deny') {
      await this.audit.decided(session, action, command, decision).catch(() => undefined);
      return {
        verdict: 'refuse',
        code: 'denied',
        message: `denied by ${decision.ruleIds.join(', ')}: ${decision.reason}`,
        ruleIds: decision.ruleIds,
      };
    }
    if (decision.effect === 'approval') {
      const got = await this.approvals.obtain(session, action, command, decision);
      if (!got.granted) {
        await this.audit.decided(session, action, command, decision, got.approvalId).catch(() => undefined);
        return {
          verdict: 'refuse',
          code: got.code,
          message: got.message,
          ruleIds: decision.ruleIds,
          ...(got.approvalId ? { approvalId: got.approvalId } : {}),
        };
      }
      approvalId = got.approvalId;
    }
    try {
      // Write-ahead: the decision is in the audit stream before the command reaches the target.
      await this.audit.decided(session, action, command, decision, approvalId);
    } catch (err) {
      const why = err instanceof MessagingError ? err.message : 'audit stream error';
      return {
        verdict: 'refuse',
        code: 'unavailable',
        message: `the audit trail is unavailable, so nothing is forwarded (${why})`,
        ruleIds: [],
      };
    }
    return { verdict: 'forward', decision, ...(approvalId ? { approvalId } : {}) };
  }

  private count(session: LiveSession, cached: boolean, v: CommandVerdict): CommandVerdict {
    decisionsTotal.inc({
      channel: session.channel,
      verdict: v.verdict === 'forward' ? 'forward' : v.code,
      cached: String(cached),
    });
    return v;
  }
}
