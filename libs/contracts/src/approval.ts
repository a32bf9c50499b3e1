import { z } from 'zod';
import { actionSchema, approvalTermsSchema, connectionRefSchema } from './policy';
import { principalSchema } from './principal';

export const approvalStatuses = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/**
 * Broker → approval: this exact command needs a human. Asking twice for the same principal, connection
 * and fingerprint returns the request already open (or the grant already given), never a duplicate.
 */
export const approvalRequestSchema = z
  .object({
    principal: principalSchema,
    connection: connectionRefSchema,
    action: actionSchema,
    /** The command as the agent sent it, shown to approvers (already masked of nothing: it is the agent's own text). */
    commandText: z.string().max(64 * 1024),
    commandFingerprint: z.string().min(1),
    terms: approvalTermsSchema,
    ruleIds: z.array(z.string()),
    agentReason: z.string().max(2000).optional(),
    sessionId: z.string().optional(),
    traceId: z.string().optional(),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export const approvalTicketSchema = z
  .object({
    approvalId: z.string().uuid(),
    status: z.enum(approvalStatuses),
    /** Where a human (or the agent, with its own token) can see it. */
    url: z.string(),
    expiresAt: z.string().datetime(),
  })
  .strict();
export type ApprovalTicket = z.infer<typeof approvalTicketSchema>;

/**
 * Broker → approval, just before forwarding an approved command: use up the grant. A single-use grant is
 * consumed by exactly one caller, however many retry at once; a window grant is checked for expiry.
 */
export const consumeGrantSchema = z
  .object({
    principalId: z.string().min(1),
    tenant: z.string().nullable(),
    connection: z.string().min(1),
    commandFingerprint: z.string().min(1),
    approvalId: z.string().uuid().optional(),
  })
  .strict();
export type ConsumeGrant = z.infer<typeof consumeGrantSchema>;

export const grantVerdictSchema = z.discriminatedUnion('granted', [
  z.object({ granted: z.literal(true), approvalId: z.string().uuid(), grant: z.enum(['once', 'window']) }).strict(),
  z
    .object({
      granted: z.literal(false),
      approvalId: z.string().uuid().optional(),
      status: z.enum(approvalStatuses).optional(),
    })
    .strict(),
]);
export type GrantVerdict = z.infer<typeof grantVerdictSchema>;

/** Fan-out: every broker replica learns the outcome, whichever one is holding the command. */
export const approvalDecidedSchema = z
  .object({
    approvalId: z.string().uuid(),
    status: z.enum(['approved', 'denied', 'expired', 'cancelled']),
    principalId: z.string(),
    connection: z.string(),
    commandFingerprint: z.string(),
    decidedBy: z.array(z.string()),
    comment: z.string().optional(),
    at: z.string().datetime(),
  })
  .strict();
export type ApprovalDecided = z.infer<typeof approvalDecidedSchema>;

/** Broker → approval: the current state of one request (a fallback when a decided event was missed). */
export const approvalStatusRequestSchema = z.object({ approvalId: z.string().uuid() }).strict();
export type ApprovalStatusRequest = z.infer<typeof approvalStatusRequestSchema>;
