import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { approvalStatuses } from '@portcullis/contracts';
import { z } from 'zod';
import { ApprovalErrorCode } from '../errors/approval-error';

// Validation is zod (as everywhere else in Portcullis); the classes below exist to document the API.

export const MAX_WINDOW_SECONDS = 7 * 86400;

export const decisionBodySchema = z
  .object({
    decision: z.enum(['approve', 'deny']),
    comment: z.string().trim().max(2000).optional(),
    window: z
      .object({ seconds: z.number().int().min(1).max(MAX_WINDOW_SECONDS) })
      .strict()
      .optional(),
  })
  .strict();

export const cancelBodySchema = z
  .object({ comment: z.string().trim().max(2000).optional() })
  .strict()
  .default({});

export const inboxQuerySchema = z
  .object({
    status: z.enum(approvalStatuses).default('pending'),
    connection: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const approvalIdSchema = z.string().uuid();

export class DecisionWindowDto {
  @ApiProperty({ description: 'Length of the time window to grant, at most what the policy allows', minimum: 1 })
  seconds!: number;
}

export class DecisionBodyDto {
  @ApiProperty({ enum: ['approve', 'deny'] })
  decision!: 'approve' | 'deny';

  @ApiPropertyOptional({ maxLength: 2000, description: 'Recorded in the audit trail and sent with the outcome' })
  comment?: string;

  @ApiPropertyOptional({
    type: DecisionWindowDto,
    description: 'Only for policies that grant a time window: shorten it. Never lengthens it.',
  })
  window?: DecisionWindowDto;
}

export class CancelBodyDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  comment?: string;
}

export class RequesterDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['agent', 'human'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ nullable: true, type: String }) tenant!: string | null;
  @ApiProperty({ nullable: true, type: String }) appId!: string | null;
}

export class DecisionDto {
  @ApiProperty() approverId!: string;
  @ApiProperty({ nullable: true, type: String }) approverName!: string | null;
  @ApiProperty({ enum: ['approve', 'deny'] }) decision!: string;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ enum: ['api', 'slack'] }) via!: string;
  @ApiProperty({ nullable: true, type: Number }) windowSeconds!: number | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class GrantDto {
  @ApiProperty({ enum: ['once', 'window'] }) kind!: string;
  @ApiProperty({ enum: ['command', 'connection'] }) scope!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) consumedAt!: string | null;
  @ApiProperty() uses!: number;
}

export class DeliveryDto {
  @ApiProperty({ description: 'The webhook-id header of every attempt' }) id!: string;
  @ApiProperty() webhook!: string;
  @ApiProperty({ enum: ['approval.requested', 'approval.decided'] }) event!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt!: string | null;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: approvalStatuses }) status!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: RequesterDto }) requester!: RequesterDto;
  @ApiProperty({ description: 'name, type and tags of the connection' }) connection!: object;
  @ApiProperty({ description: 'The exact command as the agent sent it' }) command!: string;
  @ApiProperty() commandFingerprint!: string;
  @ApiProperty({ description: 'The action as the broker classified it' }) action!: object;
  @ApiProperty({ type: [String], description: 'Policy rules that asked for this approval' }) ruleIds!: string[];
  @ApiProperty({ description: 'approverGroups, minApprovals, mode, grant, windowSeconds, timeoutSeconds' })
  terms!: object;
  @ApiProperty({ nullable: true, type: String }) agentReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) traceId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ type: [String] }) decidedBy!: string[];
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty({ description: '{ count, required }' }) approvals!: object;
  @ApiProperty({ type: [DecisionDto] }) decisions!: DecisionDto[];
  @ApiProperty({ type: GrantDto, nullable: true }) grant!: GrantDto | null;
  @ApiPropertyOptional({ type: [DeliveryDto], description: 'Webhook deliveries (not shown to the requester)' })
  webhooks?: DeliveryDto[];
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:portcullis:approval:not_an_approver' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty({ enum: Object.values(ApprovalErrorCode) }) code!: string;
}
