import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service';
import { expiredAudit } from './approval-audit';
import { ApprovalOutcomes } from './approval-outcome.service';
import { ApprovalEntity } from './approval.entity';

export interface RequestKey {
  principalId: string;
  tenant: string;
  connection: string;
  commandFingerprint: string;
}

const SWEEP_MS = 500;
const BATCH = 100;

/**
 * Expires requests nobody decided in time. Safe with any number of replicas: the UPDATE … RETURNING
 * decides which replica expired a request, and only that one audits and announces it; rows another
 * transaction holds (an approver deciding right now) are skipped and looked at again next sweep.
 */
@Injectable()
export class ApprovalExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApprovalExpiry.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outcomes: ApprovalOutcomes,
    private readonly outbox: WebhookOutbox,
  ) {}

  onApplicationBootstrap(): void {
    this.timer ??= setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      let expired: number;
      do expired = await this.expireDue();
      while (expired === BATCH);
      await this.outcomes.announceMissed();
    } catch (err) {
      this.logger.error(`expiry sweep failed: ${(err as Error).message}`);
    }
  }

  /** Expires overdue pending requests (only those of one key, when given); returns how many. */
  async expireDue(key?: RequestKey): Promise<number> {
    const expired = await this.ds.transaction(async (m) => {
      const filter = key
        ? 'AND principal_id = $2 AND tenant = $3 AND connection = $4 AND command_fingerprint = $5'
        : '';
      const [rows]: [Array<{ id: string }>, number] = await m.query(
        `UPDATE approval.requests SET status = 'expired', decided_at = now()
          WHERE id IN (SELECT id FROM approval.requests
                        WHERE status = 'pending' AND expires_at <= now() ${filter}
                        ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        key ? [BATCH, key.principalId, key.tenant, key.connection, key.commandFingerprint] : [BATCH],
      );
      if (rows.length === 0) return [];
      const approvals = await m.getRepository(ApprovalEntity).findBy({ id: In(rows.map((r) => r.id)) });
      for (const a of approvals) await this.outbox.enqueue(m, 'approval.decided', a);
      await this.outcomes.record(approvals.map(expiredAudit));
      return approvals;
    });
    if (expired.length === 0) return 0;
    this.outbox.wake();
    await Promise.all(expired.map((a) => this.outcomes.announce(a)));
    return expired.length;
  }
}
