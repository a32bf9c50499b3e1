import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'suspensions' })
export class SuspensionEntity {
  @PrimaryColumn({ name: 'principal_id', type: 'text' })
  principalId!: string;

  /** '' for principals of issuers without tenants. */
  @PrimaryColumn({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'suspended_by', type: 'text' })
  suspendedBy!: string;

  @Column({ name: 'suspended_at', type: 'timestamptz' })
  suspendedAt!: Date;
}
