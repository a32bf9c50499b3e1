import { fetchJson } from './http-json';
import { isAllowedUrl } from './url-policy';

/**
 * OIDC Discovery 1.0 §4: fetch `{issuer}/.well-known/openid-configuration`,
 * and only trust it if it names the same issuer (§4.3) — otherwise one
 * issuer's metadata could point us at another's keys.
 */
export async function discoverJwksUri(
  fetchFn: typeof fetch,
  issuer: string,
  opts: { timeoutMs: number; allowInsecureHttp: boolean },
): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  if (!isAllowedUrl(url, opts.allowInsecureHttp)) throw new Error('issuer URL is not allowed');
  const doc = (await fetchJson(
    fetchFn,
    url,
    { headers: { accept: 'application/json' } },
    {
      timeoutMs: opts.timeoutMs,
      maxBytes: 256 * 1024,
    },
  )) as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (doc?.issuer !== issuer) throw new Error('discovery document names a different issuer');
  if (typeof doc.jwks_uri !== 'string' || !isAllowedUrl(doc.jwks_uri, opts.allowInsecureHttp)) {
    throw new Error('discovery document has no acceptable jwks_uri');
  }
  return doc.jwks_uri;
}
