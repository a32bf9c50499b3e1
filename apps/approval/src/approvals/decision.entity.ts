import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type Vote = 'approve' | 'deny';
export type DecisionChannel = 'api' | 'slack';

/** One approver's final word on one request, with the groups they held when they gave it. */
@Entity({ name: 'decisions' })
export class DecisionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'approval_id', type: 'uuid' })
  approvalId!: string;

  @Column({ name: 'approver_id', type: 'text' })
  approverId!: string;

  @Column({ name: 'approver_tenant', type: 'text' })
  approverTenant!: string;

  @Column({ name: 'approver_name', type: 'text', nullable: true })
  approverName!: string | null;

  @Column({ name: 'approver_groups', type: 'text', array: true })
  approverGroups!: string[];

  @Column({ type: 'text' })
  via!: DecisionChannel;

  @Column({ type: 'text' })
  decision!: Vote;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'window_seconds', type: 'integer', nullable: true })
  windowSeconds!: number | null;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;
}
