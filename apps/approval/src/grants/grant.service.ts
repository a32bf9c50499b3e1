import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApprovalStatus, ConsumeGrant, GrantVerdict } from '@portcullis/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApprovalEntity } from '../approvals/approval.entity';
import type { GrantKind } from './grant.entity';

/** A window grant whose policy gave no length lasts this long. */
export const DEFAULT_WINDOW_SECONDS = 900;

// Shared by both consume statements: the grant belongs to this principal and connection, is still
// valid, and is either a window or a single-use grant for this exact command not yet used.
const USABLE = `principal_id = $1 AND tenant = $2 AND connection = $3 AND expires_at > now()
  AND (kind = 'window' OR (consumed_at IS NULL AND command_fingerprint = $4))`;
const CONSUME = `UPDATE approval.grants
  SET uses = uses + 1, consumed_at = CASE WHEN kind = 'once' THEN now() ELSE consumed_at END`;

/**
 * Grants: created in the approving transaction, consumed just before the broker forwards a command.
 * A single-use grant is consumed by one UPDATE whose WHERE requires `consumed_at IS NULL`: concurrent
 * callers queue on the row lock and re-check that condition, so exactly one of them gets it.
 */
@Injectable()
export class GrantService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async issue(m: EntityManager, a: ApprovalEntity, windowSeconds: number | null): Promise<{ kind: GrantKind }> {
    const kind: GrantKind = a.terms.grant;
    // A single-use grant waits for the agent's retry as long as the approval itself could have.
    const seconds = kind === 'window' ? (windowSeconds ?? DEFAULT_WINDOW_SECONDS) : a.terms.timeoutSeconds;
    await m.query(
      `INSERT INTO approval.grants
         (id, approval_id, kind, scope, principal_id, tenant, connection, command_fingerprint, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [
        randomUUID(),
        a.id,
        kind,
        kind === 'once' ? 'command' : 'connection',
        a.principalId,
        a.tenant,
        a.connection,
        a.commandFingerprint,
        seconds,
      ],
    );
    return { kind };
  }

  async consume(req: ConsumeGrant): Promise<GrantVerdict> {
    const params = [req.principalId, req.tenant ?? '', req.connection, req.commandFingerprint];
    // Without an approval id, a window is preferred: it is not used up, so a pending single-use grant stays.
    const sql = req.approvalId
      ? `${CONSUME} WHERE approval_id = $5 AND ${USABLE} RETURNING approval_id, kind`
      : `${CONSUME} WHERE id = (SELECT id FROM approval.grants WHERE ${USABLE}
                                ORDER BY (kind = 'window') DESC, created_at LIMIT 1)
           AND ${USABLE} RETURNING approval_id, kind`;
    const [rows]: [Array<{ approval_id: string; kind: GrantKind }>, number] = await this.ds.query(
      sql,
      req.approvalId ? [...params, req.approvalId] : params,
    );
    const hit = rows[0];
    if (hit) return { granted: true, approvalId: hit.approval_id, grant: hit.kind };
    return this.refusal(req);
  }

  /** Why not: the state of the request the caller named, or of the latest one for this command. */
  private async refusal(req: ConsumeGrant): Promise<GrantVerdict> {
    const rows: Array<{ id: string; status: ApprovalStatus }> = await this.ds.query(
      `SELECT id, status FROM approval.requests
        WHERE principal_id = $1 AND tenant = $2 AND connection = $3
          AND ($5::uuid IS NULL AND command_fingerprint = $4 OR id = $5::uuid)
        ORDER BY created_at DESC LIMIT 1`,
      [req.principalId, req.tenant ?? '', req.connection, req.commandFingerprint, req.approvalId ?? null],
    );
    const latest = rows[0];
    return latest ? { granted: false, approvalId: latest.id, status: latest.status } : { granted: false };
  }
}
