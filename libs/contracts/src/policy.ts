import { z } from 'zod';
import { principalSchema } from './principal';

export const connectionTypes = ['postgres', 'ssh', 'http', 'k8s'] as const;

/** The connection as policy sees it: never its target address or credentials. */
export const connectionRefSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(connectionTypes),
    tags: z.array(z.string()),
  })
  .strict();
export type ConnectionRef = z.infer<typeof connectionRefSchema>;

const MAX_COMMAND_CHARS = 1024 * 1024;

export const actionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connect') }).strict(),
  z.object({ kind: z.literal('sql'), sql: z.string().max(MAX_COMMAND_CHARS) }).strict(),
  z
    .object({
      kind: z.literal('exec'),
      argv: z.array(z.string()).optional(),
      command: z.string().max(MAX_COMMAND_CHARS).optional(),
      mode: z.enum(['exec', 'shell', 'subsystem', 'forward']).default('exec'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('k8s'),
      method: z.string(),
      path: z.string().max(8192),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      method: z.string(),
      path: z.string().max(8192),
    })
    .strict(),
  z
    .object({
      kind: z.literal('mcp'),
      tool: z.string(),
      arguments: z.record(z.unknown()),
    })
    .strict(),
]);
export type Action = z.infer<typeof actionSchema>;
export type ActionKind = Action['kind'];

export const decideRequestSchema = z
  .object({
    principal: principalSchema,
    connection: connectionRefSchema,
    action: actionSchema,
  })
  .strict();
export type DecideRequest = z.infer<typeof decideRequestSchema>;

export const effects = ['allow', 'deny', 'approval'] as const;

/** The rule id of a deny because no rule matched, and of a deny because the command could not be parsed. */
export const NO_MATCH_RULE = 'default-deny';
export const UNPARSEABLE_RULE = 'unparseable';
export type Effect = (typeof effects)[number];

export const approvalTermsSchema = z
  .object({
    approverGroups: z.array(z.string()).min(1),
    minApprovals: z.number().int().min(1),
    mode: z.enum(['hold', 'async']),
    grant: z.enum(['once', 'window']),
    windowSeconds: z.number().int().positive().optional(),
    timeoutSeconds: z.number().int().positive(),
  })
  .strict();
export type ApprovalTerms = z.infer<typeof approvalTermsSchema>;

export const maskingRuleSchema = z
  .object({
    column: z.string().optional(),
    jsonPath: z.string().optional(),
    detector: z.string().optional(),
    strategy: z.enum(['redact', 'partial', 'hash']),
    ruleId: z.string(),
  })
  .strict();
export type MaskingRule = z.infer<typeof maskingRuleSchema>;

export const decisionSchema = z
  .object({
    effect: z.enum(effects),
    reason: z.string(),
    ruleIds: z.array(z.string()),
    approval: approvalTermsSchema.optional(),
    masking: z.array(maskingRuleSchema).optional(),
    commandFingerprint: z.string(),
    policyVersion: z.string(),
    // Only decisions that do not depend on literal values may be reused by the broker for the same fingerprint.
    cacheable: z.boolean(),
  })
  .strict();
export type Decision = z.infer<typeof decisionSchema>;

export const policyReloadedSchema = z
  .object({ policyVersion: z.string(), accepted: z.boolean(), error: z.string().optional() })
  .strict();
export type PolicyReloaded = z.infer<typeof policyReloadedSchema>;
