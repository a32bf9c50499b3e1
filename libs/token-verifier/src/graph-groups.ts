import { fetchJson } from './http-json';
import { isAllowedUrl } from './url-policy';
import type { GraphConfig } from './types';

const TIMEOUT_MS = 5_000;
const MAX_BYTES = 4 * 1024 * 1024;
const RESULT_TTL_MS = 5 * 60_000;
const MAX_CACHED_PRINCIPALS = 10_000;
const TOKEN_EARLY_REFRESH_MS = 60_000;

/**
 * Resolves group membership after a groups overage. It always calls the
 * configured Graph base URL with the service's own client-credentials token:
 * the `_claim_sources` endpoint inside a token is never contacted, since
 * following it would let a token choose who we send credentials to.
 *
 * Results are cached briefly per tenant+object so an overage principal does
 * not cost a Graph round trip per request; membership changes therefore take
 * up to RESULT_TTL_MS to apply.
 */
export class GraphGroupResolver {
  private token: { value: string; refreshAt: number } | null = null;
  private readonly cache = new Map<string, { groups: string[]; until: number }>();
  private readonly baseUrl: string;

  constructor(
    private readonly config: GraphConfig,
    private readonly fetchFn: typeof fetch,
    private readonly nowMs: () => number,
  ) {
    if (!isAllowedUrl(config.baseUrl)) throw new Error('token-verifier: graph.baseUrl must be https');
    if (!isAllowedUrl(config.tokenUrl)) throw new Error('token-verifier: graph.tokenUrl must be https');
    if (!config.clientId || !config.clientSecret) throw new Error('token-verifier: graph client credentials missing');
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
  }

  /** Group object ids the directory object is a (transitive) member of. Throws on any failure. */
  async memberGroups(tenant: string | null, objectId: string): Promise<string[]> {
    const key = `${tenant ?? ''}\u0000${objectId}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > this.nowMs()) return hit.groups;
    const token = await this.accessToken();
    const body = await fetchJson(
      this.fetchFn,
      `${this.baseUrl}/directoryObjects/${encodeURIComponent(objectId)}/getMemberGroups`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ securityEnabledOnly: false }),
      },
      { timeoutMs: TIMEOUT_MS, maxBytes: MAX_BYTES },
    );
    const value = (body as { value?: unknown } | null)?.value;
    if (!Array.isArray(value) || value.some((g) => typeof g !== 'string')) {
      throw new Error('graph getMemberGroups returned an unexpected body');
    }
    const groups = value as string[];
    if (this.cache.size >= MAX_CACHED_PRINCIPALS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { groups, until: this.nowMs() + RESULT_TTL_MS });
    return groups;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.refreshAt > this.nowMs()) return this.token.value;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      scope: `${new URL(this.baseUrl).origin}/.default`,
    });
    const body = (await fetchJson(
      this.fetchFn,
      this.config.tokenUrl,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      { timeoutMs: TIMEOUT_MS, maxBytes: 64 * 1024 },
    )) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof body?.access_token !== 'string') throw new Error('graph token endpoint returned no access_token');
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in) || 300) * 1000;
    this.token = {
      value: body.access_token,
      refreshAt: this.nowMs() + Math.max(0, lifetimeMs - TOKEN_EARLY_REFRESH_MS),
    };
    return this.token.value;
  }
}
