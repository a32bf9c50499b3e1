import type { ConnectionConfig } from '@portcullis/config';
import type { z } from 'zod';

/** A connection's `target`, validated by its type's schema; errors name the config key. */
export function parseTarget<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, c: ConnectionConfig, index: number): T {
  const parsed = schema.safeParse(c.target);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`connections[${index}].target${i?.path.length ? '.' + i.path.join('.') : ''}: ${i?.message}`);
  }
  return parsed.data;
}
