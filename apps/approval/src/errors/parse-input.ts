import type { z } from 'zod';
import { ApprovalError, ApprovalErrorCode } from './approval-error';

/** Validates client input, refusing it with a 400 problem that names the first offending field. */
export function parseInput<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${what}.${issue.path.join('.')}` : what;
  const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
  throw new ApprovalError(ApprovalErrorCode.BadRequest, `${where}: ${message ?? 'invalid'}`);
}
