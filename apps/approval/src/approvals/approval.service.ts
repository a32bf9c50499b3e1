import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApprovalRequest, ApprovalTicket } from '@portcullis/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApprovalSettings } from '../config';
import { APPROVAL_SETTINGS } from '../config.module';
import { WebhookOutbox } from '../webhooks/webhook-outbox.service';
import { requestedAudit } from './approval-audit';
import { ApprovalExpiry, type RequestKey } from './approval-expiry.service';
import { ApprovalOutcomes } from './approval-outcome.service';
import { ticketOf, type OpenRequest } from './approval-ticket';
import { ApprovalEntity } from './approval.entity';

// Pending and not overdue; or approved with a grant that still covers this command.
const FIND_OPEN = `
  SELECT r.id, r.status, COALESCE(g.expires_at, r.expires_at) AS until
    FROM approval.requests r LEFT JOIN approval.grants g ON g.approval_id = r.id
   WHERE r.principal_id = $1 AND r.tenant = $2 AND r.connection = $3
     AND ((r.status = 'pending' AND r.command_fingerprint = $4 AND r.expires_at > now())
       OR (r.status = 'approved' AND g.expires_at > now()
           AND (g.kind = 'window' OR (g.consumed_at IS NULL AND r.command_fingerprint = $4))))
   ORDER BY (r.status = 'approved') DESC, r.created_at DESC
   LIMIT 1`;

/**
 * Intake of approval requests from the broker. Asking again for the same principal, connection and
 * command returns the open request (or the grant already given). Across replicas the partial unique
 * index `requests_one_pending` decides: a losing INSERT does nothing and the winner's row is returned.
 */
@Injectable()
export class ApprovalIntake {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
    private readonly outbox: WebhookOutbox,
    private readonly outcomes: ApprovalOutcomes,
    private readonly expiry: ApprovalExpiry,
  ) {}

  async request(req: ApprovalRequest): Promise<ApprovalTicket> {
    const key: RequestKey = {
      principalId: req.principal.id,
      tenant: req.principal.tenant ?? '',
      connection: req.connection.name,
      commandFingerprint: req.commandFingerprint,
    };
    const open = await this.findOpen(this.ds.manager, key);
    if (open) return ticketOf(this.settings.publicUrl, open);
    let ticket = await this.ds.transaction((m) => this.create(m, key, req));
    if (!ticket) {
      // Blocked by an overdue request the sweeper has not reached yet: expire it here, then ask anew.
      await this.expiry.expireDue(key);
      ticket = await this.ds.transaction((m) => this.create(m, key, req));
    }
    if (!ticket) throw new Error('an overdue request for this command is being decided right now; retry');
    this.outbox.wake();
    return ticket;
  }

  /** Inserts the request, or answers with the one another replica inserted a moment ago. */
  private async create(m: EntityManager, key: RequestKey, req: ApprovalRequest): Promise<ApprovalTicket | undefined> {
    const id = randomUUID();
    const inserted: Array<{ created_at: Date; expires_at: Date }> = await m.query(
      `INSERT INTO approval.requests
         (id, status, principal_id, tenant, principal_kind, principal, connection, connection_ref, action,
          command_text, command_fingerprint, terms, approver_groups, min_approvals, rule_ids, agent_reason,
          session_id, trace_id, expires_at)
       VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
               now() + make_interval(secs => $18))
       ON CONFLICT DO NOTHING
       RETURNING created_at, expires_at`,
      [
        id,
        key.principalId,
        key.tenant,
        req.principal.kind,
        JSON.stringify(req.principal),
        key.connection,
        JSON.stringify(req.connection),
        JSON.stringify(req.action),
        req.commandText,
        key.commandFingerprint,
        JSON.stringify(req.terms),
        req.terms.approverGroups,
        req.terms.minApprovals,
        req.ruleIds,
        req.agentReason ?? null,
        req.sessionId ?? null,
        req.traceId ?? null,
        req.terms.timeoutSeconds,
      ],
    );
    if (inserted.length === 0) {
      // The losing INSERT waited for the winner's transaction, so its row is visible now.
      const winner = await this.findOpen(m, key);
      return winner && ticketOf(this.settings.publicUrl, winner);
    }
    const a = pendingEntity(id, key, req, inserted[0]);
    const audited = this.outcomes.record([requestedAudit(a)]);
    audited.catch(() => undefined);
    await this.outbox.enqueue(m, 'approval.requested', a);
    await audited;
    return ticketOf(this.settings.publicUrl, { id, status: 'pending', until: a.expiresAt });
  }

  private async findOpen(m: EntityManager, key: RequestKey): Promise<OpenRequest | undefined> {
    const rows: OpenRequest[] = await m.query(FIND_OPEN, [
      key.principalId,
      key.tenant,
      key.connection,
      key.commandFingerprint,
    ]);
    return rows[0];
  }
}

/** The row just inserted, as the entity the outbox and the audit record are made from. */
function pendingEntity(
  id: string,
  key: RequestKey,
  req: ApprovalRequest,
  times: { created_at: Date; expires_at: Date },
): ApprovalEntity {
  return Object.assign(new ApprovalEntity(), {
    id,
    status: 'pending',
    principalId: key.principalId,
    tenant: key.tenant,
    principalKind: req.principal.kind,
    principal: req.principal,
    connection: key.connection,
    connectionRef: req.connection,
    action: req.action,
    commandText: req.commandText,
    commandFingerprint: key.commandFingerprint,
    terms: req.terms,
    approverGroups: req.terms.approverGroups,
    minApprovals: req.terms.minApprovals,
    ruleIds: req.ruleIds,
    agentReason: req.agentReason ?? null,
    sessionId: req.sessionId ?? null,
    traceId: req.traceId ?? null,
    createdAt: times.created_at,
    expiresAt: times.expires_at,
    decidedAt: null,
    decidedBy: [],
    decidedComment: null,
    outcomePublishedAt: null,
  } satisfies ApprovalEntity);
}
