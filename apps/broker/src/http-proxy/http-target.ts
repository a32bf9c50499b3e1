import type { ConnectionConfig } from '@portcullis/config';
import { z } from 'zod';
import { parseTarget } from '../connections/connection-target';

/** Where an `http` connection points. Credentials (in `credentials`) are injected by the broker. */
export const httpTargetSchema = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => ['http:', 'https:'].includes(new URL(u).protocol), 'must be http(s)'),
    /**
     * Host names routed to this connection: a request to the broker's HTTP port whose Host is one of them
     * is proxied whole, without the `/http/<connection>` prefix (point a DNS name at the broker).
     */
    routeHosts: z
      .array(
        z
          .string()
          .toLowerCase()
          .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a host name'),
      )
      .default([]),
    /** Largest JSON response the broker buffers to mask; larger ones are refused when masking applies. */
    maxMaskedBodyBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    /** Largest request body forwarded. */
    maxRequestBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
  })
  .strict();
export type HttpTarget = z.infer<typeof httpTargetSchema>;

export function httpTargetOf(c: ConnectionConfig, index: number): HttpTarget {
  return parseTarget(httpTargetSchema, c, index);
}

/**
 * The header the broker adds for the upstream, from the connection's credentials: `bearer` (a token),
 * `username` + `password` (basic), or `header` + `value` (an API key header). Never the agent's token.
 */
export function credentialHeader(values: ReadonlyMap<string, string>): [string, string] | undefined {
  const bearer = values.get('bearer');
  if (bearer) return ['authorization', `Bearer ${bearer}`];
  const user = values.get('username');
  const password = values.get('password');
  if (user !== undefined && password !== undefined)
    return ['authorization', `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`];
  const header = values.get('header');
  const value = values.get('value');
  if (header && value) return [header.toLowerCase(), value];
  return undefined;
}
