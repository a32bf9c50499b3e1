import { z } from 'zod';
import { channelSchema, principalSchema } from './principal';

export const tokenRejectReasons = [
  'expired',
  'not_yet_valid',
  'issued_in_future',
  'bad_signature',
  'wrong_audience',
  'wrong_issuer',
  'wrong_tenant',
  'unknown_key',
  'alg_not_allowed',
  'groups_overage',
  'suspended',
  'malformed',
  'too_large',
  'not_access_token',
  'jwks_unavailable',
  'unsupported_header',
] as const;
export type TokenRejectReason = (typeof tokenRejectReasons)[number];

// Tokens are capped well below NATS's default 1 MiB payload so an oversized one is refused here, not by the transport.
export const MAX_TOKEN_BYTES = 16 * 1024;

export const verifyRequestSchema = z
  .object({
    token: z
      .string()
      .min(1)
      .max(MAX_TOKEN_BYTES * 2),
    channel: channelSchema,
  })
  .strict();

export const verifyResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), principal: principalSchema }).strict(),
  z
    .object({
      ok: z.literal(false),
      reason: z.enum(tokenRejectReasons),
      detail: z.string(),
    })
    .strict(),
]);
export type VerifyRequest = z.infer<typeof verifyRequestSchema>;
export type VerifyResponse = z.infer<typeof verifyResponseSchema>;

export const principalSuspendedSchema = z
  .object({
    principalId: z.string().min(1),
    tenant: z.string().nullable(),
    suspended: z.boolean(),
    reason: z.string(),
    by: z.string(),
    at: z.string(),
  })
  .strict();
export type PrincipalSuspended = z.infer<typeof principalSuspendedSchema>;

/**
 * Which of these principals are suspended now. A broker asks after it was cut off from NATS, because a
 * suspension announced while it was away never reached it.
 */
const principalRefSchema = z.object({ principalId: z.string().min(1), tenant: z.string().nullable() }).strict();
export const checkSuspensionsRequestSchema = z.object({ principals: z.array(principalRefSchema).max(10000) }).strict();
export type CheckSuspensionsRequest = z.infer<typeof checkSuspensionsRequestSchema>;
export const checkSuspensionsResponseSchema = z.object({ suspended: z.array(principalRefSchema) }).strict();
export type CheckSuspensionsResponse = z.infer<typeof checkSuspensionsResponseSchema>;
