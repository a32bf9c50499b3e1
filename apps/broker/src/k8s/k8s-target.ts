import type { ConnectionConfig } from '@portcullis/config';
import { resolveSecret, secretRefSchema } from '@portcullis/config';
import { z } from 'zod';
import { parseTarget } from '../connections/connection-target';

/** Where a `k8s` connection points. Credentials (in `credentials`) are the broker's own, never the agent's. */
export const k8sTargetSchema = z
  .object({
    /** The API server, with any path prefix a cluster front end needs (`https://rancher/k8s/clusters/c-1`). */
    server: z
      .string()
      .url()
      .refine((u) => ['http:', 'https:'].includes(new URL(u).protocol), 'must be http(s)'),
    /** The cluster's CA bundle (PEM text, or a file / env reference); without it the system store is used. */
    caCert: z.union([z.string().min(1), secretRefSchema]).optional(),
    /** Development clusters only: accept any server certificate. */
    insecureSkipTlsVerify: z.boolean().default(false),
    /** Largest request body forwarded (an `apply` of a big manifest). */
    maxRequestBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
  })
  .strict();
export type K8sTarget = z.infer<typeof k8sTargetSchema>;

/** Everything needed to reach one cluster as the broker: the base URL, TLS options and the credential. */
export interface K8sUpstream {
  name: string;
  base: URL;
  maxRequestBytes: number;
  tls: { ca?: string; rejectUnauthorized: boolean; cert?: string; key?: string };
  /** `Bearer <service-account token>`, or undefined when a client certificate authenticates. */
  authorization?: string;
}

/**
 * A connection's cluster, checked at start: a target or credential that cannot work stops the broker with
 * the key named, instead of failing an agent's first request.
 */
export function k8sUpstreamOf(
  c: ConnectionConfig,
  index: number,
  credentials: ReadonlyMap<string, string>,
): K8sUpstream {
  const target = parseTarget(k8sTargetSchema, c, index);
  const ca =
    target.caCert === undefined
      ? undefined
      : typeof target.caCert === 'string'
        ? target.caCert
        : resolveSecret(target.caCert, `connections[${index}].target.caCert`);
  const token = credentials.get('token');
  const cert = credentials.get('clientCert');
  const key = credentials.get('clientKey');
  if (!token && !(cert && key))
    throw new Error(`connections[${index}].credentials: a k8s connection needs token, or clientCert and clientKey`);
  const base = new URL(target.server);
  return {
    name: c.name,
    base,
    maxRequestBytes: target.maxRequestBytes,
    tls: {
      ...(ca ? { ca } : {}),
      rejectUnauthorized: !target.insecureSkipTlsVerify,
      ...(cert && key ? { cert, key } : {}),
    },
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

/** The upstream URL for a decided path (already normalised, starting with `/`), under the server's prefix. */
export function upstreamUrl(u: K8sUpstream, pathAndQuery: string, scheme?: 'ws'): URL {
  // Concatenated, not resolved: a first segment such as `x:y` must never be read as a URL scheme.
  const url = new URL(`${u.base.origin}${u.base.pathname.replace(/\/$/, '')}${pathAndQuery}`);
  if (scheme === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}
