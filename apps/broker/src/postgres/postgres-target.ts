import type { ConnectionConfig } from '@portcullis/config';
import { z } from 'zod';
import { parseTarget } from '../connections/connection-target';

/** Where a `postgres` connection points and how the broker reaches it. Credentials are separate. */
export const postgresTargetSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    database: z.string().min(1),
    /** TLS to the upstream: verify-full checks the certificate and host name against `ca` or the system store. */
    tls: z.enum(['disable', 'require', 'verify-full']).default('verify-full'),
    ca: z.string().optional(),
  })
  .strict();
export type PostgresTarget = z.infer<typeof postgresTargetSchema>;

export interface PostgresCredentials {
  user: string;
  password?: string;
}

export function postgresTargetOf(c: ConnectionConfig, index: number): PostgresTarget {
  return parseTarget(postgresTargetSchema, c, index);
}

export function postgresCredentialsOf(values: ReadonlyMap<string, string>, name: string): PostgresCredentials {
  const user = values.get('username');
  if (!user) throw new Error(`connection ${name}: credentials.username is required for postgres`);
  const password = values.get('password');
  return password === undefined ? { user } : { user, password };
}
