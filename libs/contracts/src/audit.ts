import { z } from 'zod';
import { channelSchema, principalKinds } from './principal';
import { effects } from './policy';

/** The JetStream stream every service publishes audit events to, and its subject space. */
export const AUDIT_STREAM = 'PORTCULLIS_AUDIT';
export const AUDIT_SUBJECT_PREFIX = 'audit.v1';
export const auditSubjectFor = (type: AuditEventType): string => `${AUDIT_SUBJECT_PREFIX}.${type}`;

export const auditEventTypes = [
  'session.started',
  'session.ended',
  'command.decided',
  'command.executed',
  'approval.requested',
  'approval.decided',
  'identity.rejected',
  'identity.suspended',
  'identity.unsuspended',
  'policy.reloaded',
  'service.started',
] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

// A principal as recorded: enough to answer "who", without the token or unverified claims.
const auditPrincipalSchema = z
  .object({
    id: z.string(),
    kind: z.enum(principalKinds),
    tenant: z.string().nullable(),
    appId: z.string().nullable(),
    groups: z.array(z.string()),
  })
  .strict();

export const auditEventSchema = z
  .object({
    id: z.string().uuid(),
    time: z.string().datetime(),
    type: z.enum(auditEventTypes),
    source: z.string(),
    principal: auditPrincipalSchema.optional(),
    channel: channelSchema.optional(),
    connection: z.string().optional(),
    sessionId: z.string().optional(),
    traceId: z.string().optional(),
    command: z.string().optional(),
    fingerprint: z.string().optional(),
    decision: z.enum(effects).optional(),
    ruleIds: z.array(z.string()).optional(),
    approvalId: z.string().optional(),
    outcome: z.string().optional(),
    reason: z.string().optional(),
    durationMs: z.number().optional(),
    rows: z.number().int().optional(),
    bytes: z.number().int().optional(),
    masked: z.number().int().optional(),
    detail: z.record(z.unknown()).optional(),
  })
  .strict();
export type AuditEvent = z.infer<typeof auditEventSchema>;
