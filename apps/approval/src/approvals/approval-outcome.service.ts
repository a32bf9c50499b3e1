import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApprovalDecided } from '@portcullis/contracts';
import { AuditPublisher, EventBus, type AuditDraft } from '@portcullis/messaging';
import { DataSource, In } from 'typeorm';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import { ApprovalEntity } from './approval.entity';

// An outcome not marked published this long after it was decided is taken to be lost and sent again.
const REPUBLISH_AFTER_SECONDS = 5;

export function decidedEvent(a: ApprovalEntity): ApprovalDecided {
  if (a.status === 'pending') throw new Error(`approval ${a.id} has no outcome yet`);
  return {
    approvalId: a.id,
    status: a.status,
    principalId: a.principalId,
    connection: a.connection,
    commandFingerprint: a.commandFingerprint,
    decidedBy: a.decidedBy,
    ...(a.decidedComment ? { comment: a.decidedComment } : {}),
    at: (a.decidedAt ?? new Date()).toISOString(),
  };
}

/**
 * Telling the world about approval changes. Audit records are written inside the changing transaction
 * (no change without its record); the `approval.v1.decided` event goes out after commit (never an event
 * for a change that rolled back) and is re-sent by the sweeper if this process died in between.
 */
@Injectable()
export class ApprovalOutcomes {
  private readonly logger = new Logger(ApprovalOutcomes.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly events: EventBus,
    private readonly audit: AuditPublisher,
  ) {}

  async record(drafts: AuditDraft[]): Promise<void> {
    try {
      await Promise.all(drafts.map((d) => this.audit.publish(d)));
    } catch (err) {
      throw new ApprovalError(ApprovalErrorCode.AuditUnavailable, (err as Error).message);
    }
  }

  async announce(a: ApprovalEntity): Promise<void> {
    try {
      await this.events.publish('approval.v1.decided', decidedEvent(a));
      await this.ds.query('UPDATE approval.requests SET outcome_published_at = now() WHERE id = $1', [a.id]);
    } catch (err) {
      this.logger.warn(
        `approval ${a.id}: outcome not yet announced, the sweeper will retry: ${(err as Error).message}`,
      );
    }
  }

  /** Claims lost announcements (one replica each, by the UPDATE) and sends them again. */
  async announceMissed(): Promise<number> {
    const [rows]: [Array<{ id: string }>, number] = await this.ds.query(
      `UPDATE approval.requests SET outcome_published_at = now()
        WHERE id IN (SELECT id FROM approval.requests
                      WHERE status <> 'pending' AND outcome_published_at IS NULL
                        AND decided_at < now() - make_interval(secs => $1)
                      ORDER BY decided_at LIMIT 100 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [REPUBLISH_AFTER_SECONDS],
    );
    if (rows.length === 0) return 0;
    const approvals = await this.ds.getRepository(ApprovalEntity).findBy({ id: In(rows.map((r) => r.id)) });
    for (const a of approvals) {
      try {
        await this.events.publish('approval.v1.decided', decidedEvent(a));
      } catch (err) {
        await this.ds.query('UPDATE approval.requests SET outcome_published_at = NULL WHERE id = $1', [a.id]);
        this.logger.warn(`approval ${a.id}: re-announcing failed: ${(err as Error).message}`);
      }
    }
    return approvals.length;
  }
}
