import { z } from 'zod';

export const principalKinds = ['agent', 'human'] as const;

/** Who is calling, as proven by the identity service. Authorize on `id` + `tenant`, never on names. */
export const principalSchema = z
  .object({
    id: z.string().min(1),
    tenant: z.string().nullable(),
    kind: z.enum(principalKinds),
    displayName: z.string().nullable(),
    groups: z.array(z.string()),
    groupNames: z.array(z.string()),
    roles: z.array(z.string()),
    appId: z.string().nullable(),
    issuer: z.string(),
    provider: z.string(),
    expiresAt: z.number().int(),
    tokenId: z.string().nullable(),
  })
  .strict();
export type Principal = z.infer<typeof principalSchema>;

/** Which front end presented the token: audit and policy may treat channels differently. */
export const channels = ['postgres', 'ssh', 'http', 'k8s', 'mcp', 'api'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;
