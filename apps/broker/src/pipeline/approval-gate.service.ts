import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Action, ApprovalDecided, Decision, GrantVerdict } from '@portcullis/contracts';
import { EventBus, MessagingClient } from '@portcullis/messaging';
import { currentTraceId } from '@portcullis/telemetry';
import type { LiveSession } from '../sessions/session';

export type ApprovalOutcome =
  | { granted: true; approvalId: string }
  | {
      granted: false;
      code: 'approval_pending' | 'approval_denied' | 'unavailable';
      message: string;
      approvalId?: string;
    };

const RECENT_MS = 10 * 60 * 1000;
const POLL_MS = 2000;

/**
 * Gets a human's approval for one exact command, in the mode the policy chose: `hold` keeps the command
 * waiting until an approver decides (or the request expires); `async` refuses at once with the approval
 * id, and the same command goes through once approved. An existing grant (a window, or an approval given
 * after an async refusal) is used before asking again. Outcomes arrive as fan-out events; the grant is
 * also polled, so a lost event only delays a release and never loses it.
 */
@Injectable()
export class ApprovalGate implements OnModuleInit {
  private readonly logger = new Logger(ApprovalGate.name);
  private readonly waiters = new Map<string, Array<(e: ApprovalDecided) => void>>();
  private readonly recent = new Map<string, { event: ApprovalDecided; at: number }>();

  constructor(
    private readonly messaging: MessagingClient,
    private readonly events: EventBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe('approval.v1.decided', (e) => this.onDecided(e));
  }

  async obtain(
    session: LiveSession,
    action: Action,
    command: string,
    decision: Decision,
    agentReason?: string,
  ): Promise<ApprovalOutcome> {
    const terms = decision.approval;
    if (!terms) return { granted: false, code: 'unavailable', message: 'the policy asked for approval without terms' };
    try {
      const existing = await this.consume(session, decision.commandFingerprint);
      if (existing.granted) return { granted: true, approvalId: existing.approvalId };
      const ticket = await this.messaging.request('approval.v1.request', {
        principal: session.principal,
        connection: session.connection.ref,
        action,
        commandText: command.slice(0, 64 * 1024),
        commandFingerprint: decision.commandFingerprint,
        terms,
        ruleIds: decision.ruleIds,
        sessionId: session.id,
        ...(currentTraceId() ? { traceId: currentTraceId() } : {}),
        ...(agentReason ? { agentReason } : {}),
      });
      const id = ticket.approvalId;
      if (ticket.status === 'approved') return this.consumeOrRefuse(session, decision, id);
      if (ticket.status !== 'pending') return this.refusal(ticket.status, id);
      if (terms.mode === 'async') {
        return {
          granted: false,
          code: 'approval_pending',
          approvalId: id,
          message: `approval required (approval id ${id}, rule ${decision.ruleIds.join(', ')}); retry this command once it is approved: ${ticket.url}`,
        };
      }
      const deadline = Math.min(Date.parse(ticket.expiresAt), Date.now() + terms.timeoutSeconds * 1000) + 2000;
      const outcome = await this.waitFor(id, deadline);
      if (outcome === 'approved') return this.consumeOrRefuse(session, decision, id);
      return this.refusal(outcome, id);
    } catch (err) {
      return {
        granted: false,
        code: 'unavailable',
        message: `the approval service could not be reached (${(err as Error).message})`,
      };
    }
  }

  private async consume(session: LiveSession, fingerprint: string, approvalId?: string): Promise<GrantVerdict> {
    return this.messaging.request('approval.v1.consume-grant', {
      principalId: session.principal.id,
      tenant: session.principal.tenant,
      connection: session.connection.ref.name,
      commandFingerprint: fingerprint,
      ...(approvalId ? { approvalId } : {}),
    });
  }

  private async consumeOrRefuse(session: LiveSession, decision: Decision, id: string): Promise<ApprovalOutcome> {
    const verdict = await this.consume(session, decision.commandFingerprint, id);
    if (verdict.granted) return { granted: true, approvalId: verdict.approvalId };
    return {
      granted: false,
      code: 'approval_denied',
      approvalId: id,
      message: `approval ${id} was already used or has lapsed`,
    };
  }

  private refusal(status: string, id: string): ApprovalOutcome {
    return { granted: false, code: 'approval_denied', approvalId: id, message: `approval ${id} was ${status}` };
  }

  /** Resolves with the final status, or 'expired' at the deadline. */
  private waitFor(id: string, deadline: number): Promise<string> {
    const seen = this.recent.get(id);
    if (seen) return Promise.resolve(seen.event.status);
    return new Promise((resolve) => {
      let done = false;
      const finish = (status: string) => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timer);
        const list = this.waiters.get(id)?.filter((w) => w !== onEvent) ?? [];
        if (list.length === 0) this.waiters.delete(id);
        else this.waiters.set(id, list);
        resolve(status);
      };
      const onEvent = (e: ApprovalDecided) => finish(e.status);
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), onEvent]);
      const timer = setTimeout(() => finish('expired'), Math.max(0, deadline - Date.now()));
      const poll = setInterval(() => {
        // Fallback for a lost event: fan-out events are at-most-once, the request's state is not.
        this.messaging
          .request('approval.v1.status', { approvalId: id })
          .then((t) => {
            if (t.status !== 'pending') finish(t.status);
          })
          .catch(() => undefined);
      }, POLL_MS);
    });
  }

  private onDecided(e: ApprovalDecided): void {
    const now = Date.now();
    this.recent.set(e.approvalId, { event: e, at: now });
    for (const [id, r] of this.recent) if (now - r.at > RECENT_MS) this.recent.delete(id);
    for (const w of this.waiters.get(e.approvalId) ?? []) w(e);
    this.logger.debug(`approval ${e.approvalId} ${e.status}`);
  }
}
