import { ConfigError, formatKeyPath, positionOf, resolveSecret, type LoadedConfig } from '@portcullis/config';
import { defaultAuditStreamOptions } from '@portcullis/messaging';
import { z } from 'zod';

const secretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);

/** The `audit` section of the config file; every key is optional and has a production default. */
const auditSectionSchema = z
  .object({
    stream: z
      .object({
        maxAgeSeconds: z.number().int().positive().default(defaultAuditStreamOptions.maxAgeSeconds),
        maxBytes: z.number().int().positive().default(defaultAuditStreamOptions.maxBytes),
        replicas: z.number().int().min(1).max(5).default(defaultAuditStreamOptions.replicas),
        duplicateWindowSeconds: z.number().int().positive().default(defaultAuditStreamOptions.duplicateWindowSeconds),
      })
      .strict()
      .default({}),
    consumer: z
      .object({
        durable: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
          .default('audit-store'),
        // An event delivered to a replica that died is redelivered to another one after this long.
        ackWaitSeconds: z.number().int().min(1).max(3600).default(30),
        maxAckPending: z.number().int().min(100).max(1_000_000).default(20000),
      })
      .strict()
      .default({}),
    ingest: z
      .object({
        // One transaction (one chain lock) per batch: bigger batches amortise the lock and the commit.
        batchSize: z.number().int().min(1).max(5000).default(1000),
      })
      .strict()
      .default({}),
    recording: z
      .object({
        maxBytesPerSession: z
          .number()
          .int()
          .min(1024)
          .default(16 * 1024 * 1024),
      })
      .strict()
      .default({}),
    chain: z
      .object({
        // With a key the chain is an HMAC chain: someone who can write the database but lacks the key cannot
        // append a row that verifies. Without one, anyone who knows the algorithm can extend the chain.
        key: secretRef.optional(),
      })
      .strict()
      .default({}),
    query: z
      .object({ maxPageSize: z.number().int().min(1).max(10000).default(1000) })
      .strict()
      .default({}),
  })
  .strict();

export interface AuditSettings {
  stream: { maxAgeSeconds: number; maxBytes: number; replicas: number; duplicateWindowSeconds: number };
  consumer: { durable: string; ackWaitSeconds: number; maxAckPending: number };
  ingest: { batchSize: number };
  recording: { maxBytesPerSession: number };
  chain: { key: Buffer | null };
  query: { maxPageSize: number };
  auditorGroups: string[];
}

export const AUDIT_SETTINGS = Symbol('AUDIT_SETTINGS');

/** Validates the `audit` section with positions into the file; throws ConfigError naming each bad key. */
export function auditSettings(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): AuditSettings {
  const result = auditSectionSchema.safeParse(loaded.config.audit);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const keys = ['audit', ...issue.path];
        const what =
          issue.code === 'unrecognized_keys'
            ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
            : issue.message;
        return `${positionOf(loaded.document, loaded.lineCounter, keys, loaded.path)}: ${formatKeyPath(keys)}: ${what}`;
      }),
    );
  }
  const s = result.data;
  const key = s.chain.key ? resolveSecret(s.chain.key, 'audit.chain.key', env) : null;
  return {
    ...s,
    chain: { key: key === null ? null : Buffer.from(key, 'utf8') },
    auditorGroups: loaded.config.identity.auditorGroups,
  };
}
