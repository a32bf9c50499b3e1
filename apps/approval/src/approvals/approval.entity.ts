import type { Action, ApprovalStatus, ApprovalTerms, ConnectionRef, Principal } from '@portcullis/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One approval request: the exact command an agent asked to run, and where its decision stands. */
@Entity({ name: 'requests' })
export class ApprovalEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  status!: ApprovalStatus;

  @Column({ name: 'principal_id', type: 'text' })
  principalId!: string;

  /** '' for principals of issuers without tenants (so the unique index treats them as equal). */
  @Column({ type: 'text' })
  tenant!: string;

  @Column({ name: 'principal_kind', type: 'text' })
  principalKind!: Principal['kind'];

  /** The requester as identity proved it when the broker asked; never a token. */
  @Column({ type: 'jsonb' })
  principal!: Principal;

  @Column({ type: 'text' })
  connection!: string;

  @Column({ name: 'connection_ref', type: 'jsonb' })
  connectionRef!: ConnectionRef;

  @Column({ type: 'jsonb' })
  action!: Action;

  @Column({ name: 'command_text', type: 'text' })
  commandText!: string;

  @Column({ name: 'command_fingerprint', type: 'text' })
  commandFingerprint!: string;

  @Column({ type: 'jsonb' })
  terms!: ApprovalTerms;

  @Column({ name: 'approver_groups', type: 'text', array: true })
  approverGroups!: string[];

  @Column({ name: 'min_approvals', type: 'integer' })
  minApprovals!: number;

  @Column({ name: 'rule_ids', type: 'text', array: true })
  ruleIds!: string[];

  @Column({ name: 'agent_reason', type: 'text', nullable: true })
  agentReason!: string | null;

  @Column({ name: 'session_id', type: 'text', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by', type: 'text', array: true })
  decidedBy!: string[];

  @Column({ name: 'decided_comment', type: 'text', nullable: true })
  decidedComment!: string | null;

  /** Set once `approval.v1.decided` went out; the sweeper re-sends outcomes whose publish was lost. */
  @Column({ name: 'outcome_published_at', type: 'timestamptz', nullable: true })
  outcomePublishedAt!: Date | null;
}
