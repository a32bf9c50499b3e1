import type { SessionEndReason } from '../sessions/session';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';

type Admitted = Extract<Admission, { ok: true }>;

/**
 * The audit and registry side of one long-lived stream (exec, attach, port-forward): registered so that a
 * suspension or an expiring token ends it, `session.started` when it opens, and on its end one
 * `command.executed` with the bytes carried, then `session.ended` (after every recording chunk is stored).
 */
export class StreamLifecycle {
  bytesIn = 0;
  bytesOut = 0;
  masked = 0;
  /** Why the stream failed, when it did (an exit code is not a failure of the stream). */
  error: string | undefined;
  private readonly unregister: () => void;
  private readonly startedAt = process.hrtime.bigint();
  private readonly opened: Promise<void>;
  private ended = false;

  constructor(
    private readonly deps: K8sCarrierDeps,
    private readonly a: Admitted,
    detail: Record<string, unknown>,
  ) {
    this.unregister = deps.registry.register(a.session);
    this.opened = deps.audit.sessionStarted(a.session, detail).catch(() => undefined);
  }

  end(reason: SessionEndReason, detail: Record<string, unknown> = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.unregister();
    const { session, verdict } = this.a;
    this.deps.audit.executed(session, {
      command: `${this.a.method} ${this.a.pathAndQuery}`,
      fingerprint: verdict.decision.commandFingerprint,
      outcome: this.error ? 'error' : 'ok',
      durationMs: Number(process.hrtime.bigint() - this.startedAt) / 1e6,
      bytes: this.bytesOut,
      masked: this.masked,
      ...(verdict.traceId ? { traceId: verdict.traceId } : {}),
      ...(verdict.approvalId ? { approvalId: verdict.approvalId } : {}),
      ...(this.error ? { error: this.error } : {}),
    });
    void this.opened.then(() =>
      this.deps.audit.sessionEnded(session, reason, { bytesIn: this.bytesIn, bytesOut: this.bytesOut, ...detail }),
    );
  }
}
