import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import { GrantService } from '../grants/grant.service';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service';
import { assertMayCancel, assertMayDecide, type Actor } from './approval-access';
import { cancelledAudit, voteAudit } from './approval-audit';
import { ApprovalOutcomes } from './approval-outcome.service';
import { ApprovalEntity } from './approval.entity';
import type { Vote } from './decision.entity';

export interface DecisionInput {
  decision: Vote;
  comment?: string;
  windowSeconds?: number;
}

interface PriorVote {
  approver_id: string;
  decision: Vote;
  window_seconds: number | null;
}

export interface DecisionResult {
  approval: ApprovalEntity;
  approvals: number;
}

/**
 * Approvers' decisions and the requester's cancel. Each runs in one transaction holding the request's
 * row lock, so concurrent approvers on any replicas are serialised: n-of-m counts distinct people, one
 * deny ends it, and nothing is decided twice. The audit record is written before commit.
 */
@Injectable()
export class ApprovalDecisions {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly grants: GrantService,
    private readonly outbox: WebhookOutbox,
    private readonly outcomes: ApprovalOutcomes,
  ) {}

  async decide(id: string, actor: Actor, input: DecisionInput): Promise<DecisionResult> {
    const result = await this.ds.transaction(async (m) => {
      const { a, prior } = await this.lockPending(m, id, (row) => assertMayDecide(actor, row));
      this.checkWindow(a, input);
      const mine = prior.find((d) => d.approver_id === actor.id);
      if (mine) throw new ApprovalError(ApprovalErrorCode.AlreadyDecided, `you already chose ${mine.decision}`);
      const approvers = prior.filter((d) => d.decision === 'approve');
      if (input.decision === 'approve')
        approvers.push({ approver_id: actor.id, decision: 'approve', window_seconds: input.windowSeconds ?? null });
      const windowSeconds = this.windowOf(a, approvers);
      const status = input.decision === 'deny' ? 'denied' : approvers.length >= a.minApprovals ? 'approved' : 'pending';
      a.status = status;
      // The audit acknowledgement is awaited before commit, but need not wait for the writes below.
      const audited = this.outcomes.record([
        voteAudit(a, actor, input.decision, input.comment ?? null, { approvals: approvers.length, windowSeconds }),
      ]);
      audited.catch(() => undefined);
      await this.recordVote(m, id, actor, input);
      if (status !== 'pending') {
        const by = status === 'denied' ? [actor.id] : approvers.map((v) => v.approver_id);
        await this.finish(m, a, status, by, input.comment);
        if (status === 'approved') await this.grants.issue(m, a, windowSeconds);
      }
      await audited;
      return { approval: a, approvals: approvers.length };
    });
    if (result.approval.status !== 'pending') await this.afterOutcome(result.approval);
    return result;
  }

  async cancel(id: string, actor: Actor, comment?: string): Promise<ApprovalEntity> {
    const a = await this.ds.transaction(async (m) => {
      const { a: row } = await this.lockPending(m, id, (r) => assertMayCancel(actor, r));
      await this.finish(m, row, 'cancelled', [actor.id], comment);
      await this.outcomes.record([cancelledAudit(row, actor)]);
      return row;
    });
    await this.afterOutcome(a);
    return a;
  }

  /**
   * Locks the request, checks who may act (before revealing its state), then that it is still open,
   * and reads the votes so far. Overdue counts as closed by the database clock, the one clock every
   * replica shares. The votes are read by a second statement on purpose: under READ COMMITTED a
   * statement that waited for the lock still sees its starting snapshot in subqueries, so reading them
   * together would miss a vote committed by the approver who held the lock a moment ago.
   */
  private async lockPending(
    m: EntityManager,
    id: string,
    authorize: (a: ApprovalEntity) => void,
  ): Promise<{ a: ApprovalEntity; prior: PriorVote[] }> {
    const { entities, raw } = await m
      .getRepository(ApprovalEntity)
      .createQueryBuilder('r')
      .addSelect('r.expires_at <= now()', 'overdue')
      .where('r.id = :id', { id })
      .setLock('pessimistic_write')
      .getRawAndEntities<{ overdue: boolean }>();
    const a = entities[0];
    if (!a) throw new ApprovalError(ApprovalErrorCode.NotFound, `no approval ${id}`);
    authorize(a);
    if (a.status !== 'pending') throw new ApprovalError(ApprovalErrorCode.NotPending, `it is already ${a.status}`);
    if (raw[0].overdue) throw new ApprovalError(ApprovalErrorCode.NotPending, 'it has expired');
    const prior: PriorVote[] = await m.query(
      'SELECT approver_id, decision, window_seconds FROM approval.decisions WHERE approval_id = $1',
      [id],
    );
    return { a, prior };
  }

  private async recordVote(m: EntityManager, id: string, actor: Actor, input: DecisionInput): Promise<void> {
    const names = actor.groupNames.filter((g) => !actor.groups.includes(g));
    await m.query(
      `INSERT INTO approval.decisions
         (approval_id, approver_id, approver_tenant, approver_name, approver_groups, via, decision, comment, window_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        actor.id,
        actor.tenant ?? '',
        actor.displayName,
        [...actor.groups, ...names],
        actor.via,
        input.decision,
        input.comment ?? null,
        input.windowSeconds ?? null,
      ],
    );
  }

  /** An approver may shorten the window policy allows, never lengthen it or turn a single use into one. */
  private checkWindow(a: ApprovalEntity, input: DecisionInput): void {
    if (input.windowSeconds === undefined) return;
    if (input.decision !== 'approve' || a.terms.grant !== 'window')
      throw new ApprovalError(ApprovalErrorCode.WindowNotAllowed, 'policy grants this command once, not a window');
    const max = a.terms.windowSeconds;
    if (max !== undefined && input.windowSeconds > max)
      throw new ApprovalError(ApprovalErrorCode.WindowNotAllowed, `policy allows a window of at most ${max} s`);
  }

  /** The shortest window any approver asked for, else the policy's own. */
  private windowOf(a: ApprovalEntity, votes: PriorVote[]): number | null {
    if (a.terms.grant !== 'window') return null;
    const asked = votes.map((v) => v.window_seconds).filter((s): s is number => s !== null);
    return asked.length > 0 ? Math.min(...asked) : (a.terms.windowSeconds ?? null);
  }

  private async finish(
    m: EntityManager,
    a: ApprovalEntity,
    status: 'approved' | 'denied' | 'cancelled',
    by: string[],
    comment: string | undefined,
  ): Promise<void> {
    const [rows]: [Array<{ decided_at: Date }>, number] = await m.query(
      `UPDATE approval.requests SET status = $2, decided_at = now(), decided_by = $3, decided_comment = $4
        WHERE id = $1 RETURNING decided_at`,
      [a.id, status, by, comment ?? null],
    );
    Object.assign(a, { status, decidedAt: rows[0].decided_at, decidedBy: by, decidedComment: comment ?? null });
    await this.outbox.enqueue(m, 'approval.decided', a);
  }

  private async afterOutcome(a: ApprovalEntity): Promise<void> {
    this.outbox.wake();
    await this.outcomes.announce(a);
  }
}
