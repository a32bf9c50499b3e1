import { randomUUID } from 'node:crypto';
import type { Principal } from '@portcullis/contracts';
import type { BrokerConnection } from '../connections/connection-registry.service';
import type { LiveSession, SessionEndReason } from '../sessions/session';

type Ender = (reason: SessionEndReason, message: string) => void;

/**
 * One Kubernetes request as the pipeline and the registry see it. A plain request lives until its
 * response ends; a watch, `logs -f` or an exec/attach/port-forward stream lives as long as it is open, so
 * suspension and token expiry must be able to cut it: whoever carries the request sets how it ends.
 */
export class K8sSession implements LiveSession {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  readonly channel = 'k8s' as const;
  private ender: Ender | undefined;
  private ended: { reason: SessionEndReason; message: string } | undefined;

  constructor(
    readonly principal: Principal,
    readonly connection: BrokerConnection,
  ) {}

  /** How to end what this session carries; a session ended before this is set is ended at once. */
  onTerminate(ender: Ender): void {
    this.ender = ender;
    if (this.ended) ender(this.ended.reason, this.ended.message);
  }

  terminate(reason: SessionEndReason, message: string): void {
    if (this.ended) return;
    this.ended = { reason, message };
    this.ender?.(reason, message);
  }

  get endedBy(): SessionEndReason | undefined {
    return this.ended?.reason;
  }
}
