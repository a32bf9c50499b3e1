import { z } from 'zod';
import { secretRefSchema } from './secret-ref';

const port = z.number().int().min(0).max(65535);

const hostUrl = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((u) => protocols.includes(new URL(u).protocol), {
      message: `must use ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`,
    })
    // A password in a URL ends up in process listings and logs; it belongs in a secret reference.
    .refine((u) => new URL(u).password === '', { message: 'must not contain a password: use a secret reference' });

const servicesSchema = z
  .object({
    broker: z
      .object({
        httpPort: port.default(7100),
        postgresPort: port.default(15432),
        sshPort: port.default(12222),
        k8sPort: port.default(18443),
      })
      .strict()
      .default({}),
    identity: z
      .object({ httpPort: port.default(7101) })
      .strict()
      .default({}),
    policy: z
      .object({ httpPort: port.default(7102) })
      .strict()
      .default({}),
    approval: z
      .object({ httpPort: port.default(7103) })
      .strict()
      .default({}),
    audit: z
      .object({ httpPort: port.default(7104) })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

const providerSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['entra', 'oidc']),
    issuer: z.string().url().optional(),
    tenants: z.array(z.string().min(1)).optional(),
    audiences: z.array(z.string().min(1)).min(1),
    jwksUri: z.string().url().optional(),
    clockSkewSeconds: z.number().int().min(0).max(600).default(60),
    groupsClaim: z.string().default('groups'),
    acceptedVersions: z.array(z.enum(['1.0', '2.0'])).optional(),
    graph: z
      .object({
        baseUrl: z.string().url(),
        tokenUrl: z.string().url(),
        clientId: z.string().min(1),
        clientSecret: secretRefSchema,
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => p.issuer !== undefined || (p.kind === 'entra' && (p.tenants?.length ?? 0) > 0), {
    message: 'needs an issuer (or, for entra, a list of tenants)',
  });

const identitySchema = z
  .object({
    providers: z.array(providerSchema).default([]),
    groupNames: z.record(z.string()).default({}),
    adminGroups: z.array(z.string()).default([]),
    auditorGroups: z.array(z.string()).default([]),
  })
  .strict()
  .default({});

const brokerSchema = z
  .object({
    tls: z
      .object({ cert: secretRefSchema, key: secretRefSchema })
      .strict()
      .optional()
      .describe('certificate for the protocol listeners; without it a self-signed one is generated (development)'),
    idleTimeoutSeconds: z.number().int().min(10).max(86400).default(900),
    maxStatementBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    decisionCacheSize: z.number().int().min(0).max(1_000_000).default(20000),
    hashKey: secretRefSchema.optional().describe('HMAC key for the hash masking strategy'),
    ssh: z
      .object({
        hostKey: secretRefSchema
          .optional()
          .describe('the SSH listener host key (OpenSSH or PEM private key); replicas behind one address share it'),
        hostKeyPath: z
          .string()
          .min(1)
          .default('.portcullis/ssh_host_ed25519_key')
          .describe('without hostKey: an ed25519 key generated once here (0600) and reused across restarts'),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

const connectionSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lower-case letters, digits, - or _'),
    type: z.enum(['postgres', 'ssh', 'http', 'k8s']),
    tags: z.array(z.string()).default([]),
    target: z.record(z.unknown()),
    credentials: z.record(z.union([z.string(), secretRefSchema])).default({}),
    insecure: z.boolean().default(false),
  })
  .strict();

export const portcullisConfigSchema = z
  .object({
    nats: z
      .object({ url: hostUrl(['nats:', 'tls:']).default('nats://127.0.0.1:4222') })
      .strict()
      .default({}),
    postgres: z
      .object({
        url: hostUrl(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/portcullis'),
        password: secretRefSchema.optional(),
      })
      .strict()
      .default({}),
    redis: z
      .object({
        url: hostUrl(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
        keyPrefix: z.string().default('portcullis:'),
      })
      .strict()
      .default({}),
    messaging: z
      .object({ requestTimeoutMs: z.number().int().min(10).max(60000).default(2000) })
      .strict()
      .default({}),
    services: servicesSchema,
    identity: identitySchema,
    broker: brokerSchema,
    connections: z.array(connectionSchema).default([]),
    // Sections owned by a service that validates them itself, with positions into this file.
    // Rules inline, or a directory of YAML files (one list of rules each) that is watched for changes.
    policies: z.union([z.array(z.unknown()), z.object({ directory: z.string().min(1) }).strict()]).default([]),
    approvals: z.record(z.unknown()).default({}),
    audit: z.record(z.unknown()).default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.connections.forEach((c, i) => {
      if (seen.has(c.name))
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'name'], message: `duplicate connection ${c.name}` });
      seen.add(c.name);
    });
  });

export type PortcullisConfig = z.output<typeof portcullisConfigSchema>;
export type ConnectionConfig = PortcullisConfig['connections'][number];
export type ProviderConfig = PortcullisConfig['identity']['providers'][number];
