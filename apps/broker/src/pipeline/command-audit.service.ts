import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Action, Decision } from '@portcullis/contracts';
import { AuditPublisher, type AuditDraft } from '@portcullis/messaging';
import { TerminalRecorder, type TerminalHeader } from '../recording/terminal-recorder';
import type { LiveSession } from '../sessions/session';

const MAX_COMMAND_CHARS = 64 * 1024;
/** How long an event after a decision is retried; below the audit stream's duplicate window. */
const RETRY_FOR_MS = 60_000;
/** How long an outcome waits for the next decision to share its NATS write, when no decision comes. */
const OUTCOME_WAIT_MS = 5;

export interface ExecutionRecord {
  command: string;
  fingerprint?: string;
  outcome: 'ok' | 'error' | 'cancelled';
  durationMs: number;
  rows?: number;
  bytes?: number;
  masked?: number;
  error?: string;
  approvalId?: string;
  /** The trace of the decision, so decision, approval and execution share one trace id. */
  traceId?: string;
}

/**
 * Audit events of the data path. Decisions are written ahead: `decided` resolves only when the audit
 * stream holds the event, and the caller forwards nothing until then. Outcomes (`executed`) are sent
 * without holding the session up, but a session does not report itself closed until they are stored.
 * An outcome goes out together with the next decision (of any session), so that a busy session costs one
 * NATS write per statement rather than two; it waits at most OUTCOME_WAIT_MS for one.
 */
@Injectable()
export class CommandAudit implements OnApplicationShutdown {
  private readonly logger = new Logger(CommandAudit.name);
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  private queuedOutcomes: Array<() => void> = [];
  private outcomeTimer?: NodeJS.Timeout;

  constructor(private readonly audit: AuditPublisher) {}

  async decided(
    session: LiveSession,
    action: Action,
    command: string,
    decision: Decision,
    approvalId?: string,
  ): Promise<void> {
    this.sendQueuedOutcomes();
    await this.audit.publish({
      ...this.base(session),
      type: 'command.decided',
      command: command.slice(0, MAX_COMMAND_CHARS),
      fingerprint: decision.commandFingerprint,
      decision: decision.effect,
      ruleIds: decision.ruleIds,
      reason: decision.reason,
      ...(approvalId ? { approvalId } : {}),
      detail: { action: action.kind, policyVersion: decision.policyVersion },
    });
  }

  /** A refusal that never reached policy (policy or identity unreachable, unknown connection). */
  refused(session: LiveSession, command: string, reason: string): void {
    // Not awaited: the refusal reaches the agent at once, while the record is retried in the background.
    this.track(
      session.id,
      this.publishQuietly({
        ...this.base(session),
        type: 'command.decided',
        command: command.slice(0, MAX_COMMAND_CHARS),
        decision: 'deny',
        ruleIds: [],
        reason,
      }),
    );
  }

  executed(session: LiveSession, r: ExecutionRecord): void {
    this.queueOutcome(session.id, {
      ...this.base(session),
      time: new Date().toISOString(),
      type: 'command.executed',
      command: r.command.slice(0, MAX_COMMAND_CHARS),
      ...(r.fingerprint ? { fingerprint: r.fingerprint } : {}),
      outcome: r.outcome,
      durationMs: Math.round(r.durationMs * 1000) / 1000,
      ...(r.rows !== undefined ? { rows: r.rows } : {}),
      ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
      ...(r.masked ? { masked: r.masked } : {}),
      ...(r.approvalId ? { approvalId: r.approvalId } : {}),
      ...(r.traceId ? { traceId: r.traceId } : {}),
      ...(r.error ? { reason: r.error.slice(0, 2000) } : {}),
    });
  }

  /**
   * A terminal recording of the session (asciicast v2, output as the agent saw it). Chunks are published
   * in the background and stored before `sessionEnded` publishes the end of the session.
   */
  recordTerminal(session: LiveSession, header: TerminalHeader): TerminalRecorder {
    return new TerminalRecorder(session.id, header, (chunk) =>
      this.track(
        session.id,
        this.publishQuietly({ ...this.base(session), type: 'session.recording', recording: chunk }),
      ),
    );
  }

  async sessionStarted(session: LiveSession, detail: Record<string, unknown>): Promise<void> {
    await this.audit.publish({ ...this.base(session), type: 'session.started', detail });
  }

  async sessionEnded(session: LiveSession, reason: string, detail: Record<string, unknown> = {}): Promise<void> {
    this.sendQueuedOutcomes();
    await Promise.allSettled([...(this.pending.get(session.id) ?? [])]);
    this.pending.delete(session.id);
    await this.publishQuietly({ ...this.base(session), type: 'session.ended', outcome: reason, detail });
  }

  onApplicationShutdown(): void {
    this.sendQueuedOutcomes();
  }

  /**
   * Tracked at once, so the end of its session waits for it; published by `sendQueuedOutcomes` in the
   * trace context it was recorded in (not that of the decision it goes out with).
   */
  private queueOutcome(sessionId: string, draft: AuditDraft): void {
    const ctx = context.active();
    const sent = new Promise<void>((resolve) =>
      this.queuedOutcomes.push(() => resolve(context.with(ctx, () => this.publishQuietly(draft)))),
    );
    this.track(sessionId, sent);
    this.outcomeTimer ??= setTimeout(() => this.sendQueuedOutcomes(), OUTCOME_WAIT_MS);
  }

  /** Publishes the queued outcomes in one go: NATS sends what is published in the same tick as one write. */
  private sendQueuedOutcomes(): void {
    if (this.outcomeTimer) clearTimeout(this.outcomeTimer);
    this.outcomeTimer = undefined;
    if (this.queuedOutcomes.length === 0) return;
    const send = this.queuedOutcomes;
    this.queuedOutcomes = [];
    for (const s of send) s();
  }

  private base(session: LiveSession): Pick<AuditDraft, 'principal' | 'channel' | 'connection' | 'sessionId'> {
    const p = session.principal;
    return {
      principal: { id: p.id, kind: p.kind, tenant: p.tenant, appId: p.appId, groups: p.groups },
      channel: session.channel,
      connection: session.connection.ref.name,
      sessionId: session.id,
    };
  }

  /**
   * Events that follow a decision (outcomes, session ends, recordings) do not hold the session up, but
   * must not be lost to a short NATS or JetStream outage either: they are retried with the same event id
   * (JetStream drops the duplicate if an earlier attempt did land) for a minute, inside the stream's
   * two-minute duplicate window, and only then logged as lost.
   */
  private async publishQuietly(draft: AuditDraft): Promise<void> {
    const event: AuditDraft = { ...draft, id: draft.id ?? randomUUID(), time: draft.time ?? new Date().toISOString() };
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.audit.publish(event);
        return;
      } catch (err) {
        if (Date.now() - started > RETRY_FOR_MS) {
          this.logger.error(
            `audit event ${event.type} for session ${event.sessionId} not stored: ${(err as Error).message}`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)));
      }
    }
  }

  private track(sessionId: string, p: Promise<unknown>): void {
    let set = this.pending.get(sessionId);
    if (!set) this.pending.set(sessionId, (set = new Set()));
    set.add(p);
    void p.finally(() => set!.delete(p));
  }
}
