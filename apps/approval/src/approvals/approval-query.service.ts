import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApprovalStatus, ApprovalTicket } from '@portcullis/contracts';
import { DataSource, In } from 'typeorm';
import type { ApprovalSettings } from '../config';
import { APPROVAL_SETTINGS } from '../config.module';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import { GrantEntity } from '../grants/grant.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { assertMayListInbox, assertMayView, isRequester, type Actor } from './approval-access';
import { ticketOf, type OpenRequest } from './approval-ticket';
import { approvalView, type ApprovalView } from './approval-view';
import { ApprovalEntity } from './approval.entity';
import { DecisionEntity } from './decision.entity';

export interface InboxFilter {
  status: ApprovalStatus;
  connection?: string;
  limit: number;
}

/** Reading approvals: one request for its requester or approvers, and an approver's inbox. */
@Injectable()
export class ApprovalQueries {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
  ) {}

  async get(id: string, actor: Actor): Promise<ApprovalView> {
    const a = await this.ds.getRepository(ApprovalEntity).findOneBy({ id });
    if (!a) throw new ApprovalError(ApprovalErrorCode.NotFound, `no approval ${id}`);
    assertMayView(actor, a);
    const [decisions, grant] = await Promise.all([
      this.ds.getRepository(DecisionEntity).find({ where: { approvalId: id }, order: { decidedAt: 'ASC' } }),
      this.ds.getRepository(GrantEntity).findOneBy({ approvalId: id }),
    ]);
    // Delivery state is for the people running the approval, not for the agent polling its request.
    const deliveries = isRequester(actor, a)
      ? undefined
      : await this.ds
          .getRepository(WebhookDeliveryEntity)
          .find({ where: { approvalId: id }, order: { createdAt: 'ASC' } });
    return approvalView(this.settings.publicUrl, a, decisions, grant, deliveries);
  }

  /**
   * The state of one request for the broker (its fallback when a decided event was missed). A request
   * past its deadline is reported expired even before the sweeper has marked it: no decision can
   * succeed any more, by the same database clock.
   */
  async ticket(id: string): Promise<ApprovalTicket> {
    const rows: OpenRequest[] = await this.ds.query(
      `SELECT r.id, CASE WHEN r.status = 'pending' AND r.expires_at <= now() THEN 'expired' ELSE r.status END AS status,
              COALESCE(g.expires_at, r.expires_at) AS until
         FROM approval.requests r LEFT JOIN approval.grants g ON g.approval_id = r.id
        WHERE r.id = $1`,
      [id],
    );
    if (!rows[0]) throw new ApprovalError(ApprovalErrorCode.NotFound, `no approval ${id}`);
    return ticketOf(this.settings.publicUrl, rows[0]);
  }

  /** Only requests this person may decide: in one of their groups, and not asked for by themselves. */
  async inbox(actor: Actor, filter: InboxFilter): Promise<ApprovalView[]> {
    assertMayListInbox(actor);
    const groups = [...new Set([...actor.groups, ...actor.groupNames])];
    if (groups.length === 0) return [];
    const qb = this.ds
      .getRepository(ApprovalEntity)
      .createQueryBuilder('r')
      .where('r.approver_groups && CAST(:groups AS text[])', { groups })
      .andWhere('r.principal_id <> :me', { me: actor.id })
      .andWhere('r.status = :status', { status: filter.status })
      .orderBy('r.created_at', 'DESC')
      .limit(filter.limit);
    if (filter.connection) qb.andWhere('r.connection = :connection', { connection: filter.connection });
    const approvals = await qb.getMany();
    if (approvals.length === 0) return [];
    const ids = approvals.map((a) => a.id);
    const [decisions, grants] = await Promise.all([
      this.ds.getRepository(DecisionEntity).find({ where: { approvalId: In(ids) }, order: { decidedAt: 'ASC' } }),
      this.ds.getRepository(GrantEntity).findBy({ approvalId: In(ids) }),
    ]);
    return approvals.map((a) =>
      approvalView(
        this.settings.publicUrl,
        a,
        decisions.filter((d) => d.approvalId === a.id),
        grants.find((g) => g.approvalId === a.id) ?? null,
      ),
    );
  }
}
