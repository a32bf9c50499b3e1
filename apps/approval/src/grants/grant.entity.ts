import { Column, Entity, PrimaryColumn } from 'typeorm';

export type GrantKind = 'once' | 'window';

/**
 * What an approval allows. `once`: this exact command (fingerprint), consumed by one execution.
 * `window`: every command of this principal on this connection that needs approval, until it expires.
 */
@Entity({ name: 'grants' })
export class GrantEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'approval_id', type: 'uuid' })
  approvalId!: string;

  @Column({ type: 'text' })
  kind!: GrantKind;

  @Column({ type: 'text' })
  scope!: 'command' | 'connection';

  @Column({ name: 'principal_id', type: 'text' })
  principalId!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  connection!: string;

  @Column({ name: 'command_fingerprint', type: 'text' })
  commandFingerprint!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;

  @Column({ type: 'integer' })
  uses!: number;
}
