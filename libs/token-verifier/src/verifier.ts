import { compactVerify } from 'jose';
import type { KeyLike } from 'jose';
import { checkAudience, checkNotIdToken, checkTimes, optionalString } from './claims';
import { checkEntraClaims } from './entra-rules';
import { GraphGroupResolver } from './graph-groups';
import { readGroupsClaim } from './groups';
import { checkHeader } from './header-rules';
import type { CheckedHeader } from './header-rules';
import { JwksUnavailableError } from './jwks-cache';
import type { JwksCache } from './jwks-cache';
import { DEFAULT_MAX_TOKEN_BYTES, parseCompactJws } from './jws-parse';
import { checkOidcClaims } from './oidc-rules';
import { buildPrincipal } from './principal';
import { normalizeProvider, routeIssuer } from './providers';
import type { IssuerRoute, NormalizedProvider } from './providers';
import { isRejection, printable, reject, withContext } from './reasons';
import type { Rejection, VerifiedContext } from './reasons';
import type { Claims, ProviderConfig, VerifyResult } from './types';

export interface TokenVerifierOptions {
  providers: ProviderConfig[];
  /** group object id → friendly name */
  groupNames?: Record<string, string>;
  jwks: JwksCache;
  /** default 16 KiB */
  maxTokenBytes?: number;
  /** epoch milliseconds; default Date.now */
  now?: () => number;
  /** Used for Graph overage resolution; default global fetch. */
  fetch?: typeof fetch;
}

/**
 * Verifies bearer access tokens against configured providers. Order matters:
 * everything before the signature check uses only cheap, unverified facts to
 * refuse early or to pick the provider; nothing unverified is ever accepted,
 * and nothing unverified is reported back (issuer / subject appear on a
 * rejection only once the signature has checked out). The token itself is
 * never logged, stored or echoed.
 */
export class TokenVerifier {
  private readonly providers: NormalizedProvider[];
  private readonly groupNames: ReadonlyMap<string, string>;
  private readonly jwks: JwksCache;
  private readonly maxTokenBytes: number;
  private readonly now: () => number;
  private readonly graph = new Map<string, GraphGroupResolver>();

  /** Throws on invalid configuration (naming the bad key); verify() itself never throws. */
  constructor(opts: TokenVerifierOptions) {
    if (!Array.isArray(opts.providers) || opts.providers.length === 0) {
      throw new Error('token-verifier: providers must be a non-empty list');
    }
    this.providers = opts.providers.map((p, i) => normalizeProvider(p, i));
    const names = new Set<string>();
    for (const p of this.providers) {
      if (names.has(p.name)) throw new Error(`token-verifier: duplicate provider name '${p.name}'`);
      names.add(p.name);
    }
    this.groupNames = new Map(Object.entries(opts.groupNames ?? {}));
    this.jwks = opts.jwks;
    this.maxTokenBytes = opts.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    this.now = opts.now ?? Date.now;
    const fetchFn = opts.fetch ?? globalThis.fetch;
    for (const p of this.providers) {
      if (p.graph) this.graph.set(p.name, new GraphGroupResolver(p.graph, fetchFn, this.now));
    }
  }

  async verify(token: string): Promise<VerifyResult> {
    try {
      return await this.verifyOrReject(token);
    } catch {
      // Fail closed on anything unforeseen, without echoing error text that might quote the token.
      return reject('malformed', 'token could not be processed');
    }
  }

  private async verifyOrReject(token: string): Promise<VerifyResult> {
    const parsed = parseCompactJws(token, this.maxTokenBytes);
    if (!parsed.ok) return parsed;
    const header = checkHeader(parsed.jws.header);
    if (!header.ok) return header;
    const route = routeIssuer(this.providers, parsed.jws.payload);
    if (!route.ok) return route;

    const key = await this.keyFor(route, header);
    if (isRejection(key)) return key;
    try {
      await compactVerify(token, key, { algorithms: [header.alg] });
    } catch {
      return reject('bad_signature', 'signature does not verify with the issuer key');
    }
    return this.checkVerifiedClaims(route, parsed.jws.payload);
  }

  private async keyFor(route: IssuerRoute, header: CheckedHeader): Promise<KeyLike | Rejection> {
    try {
      const jwksUri = route.jwksUri ?? (await this.jwks.discoverJwksUri(route.discoveryIssuer));
      const key = await this.jwks.getKey(jwksUri, header.kid, header.alg);
      if (key === null) return reject('unknown_key', `kid '${printable(header.kid)}' not found in the issuer key set`);
      return key;
    } catch (err) {
      if (err instanceof JwksUnavailableError) return reject('jwks_unavailable', err.message);
      return reject('jwks_unavailable', 'issuer keys could not be obtained');
    }
  }

  private async checkVerifiedClaims(route: IssuerRoute, claims: Claims): Promise<VerifyResult> {
    const p = route.provider;
    const ctx: VerifiedContext = {
      issuer: claims['iss'] as string,
      subject:
        p.kind === 'entra'
          ? (optionalString(claims, 'oid') ?? optionalString(claims, 'azp') ?? optionalString(claims, 'appid'))
          : optionalString(claims, 'sub'),
    };
    const early = checkTimes(claims, Math.floor(this.now() / 1000), p.skewSeconds) ?? checkNotIdToken(claims);
    if (early) return withContext(early, ctx);

    let id: string;
    let tenant: string | null;
    let kind: 'agent' | 'human';
    let appId: string | null;
    if (p.kind === 'entra') {
      const facts = checkEntraClaims(route, claims);
      if (!facts.ok) return withContext(facts, ctx);
      ({ objectId: id, tenant, kind, appId } = facts);
    } else {
      const facts = checkOidcClaims(claims);
      if (!facts.ok) return withContext(facts, ctx);
      ({ subject: id, appId, kind } = facts);
      tenant = optionalString(claims, 'tid');
    }
    const audience = checkAudience(claims, p.audiences);
    if (audience) return withContext(audience, ctx);

    const groupsClaim = readGroupsClaim(claims, p.groupsClaim);
    let groups: string[];
    if (groupsClaim.ok === true) {
      groups = groupsClaim.groups;
    } else if (groupsClaim.ok === 'overage') {
      const resolver = this.graph.get(p.name);
      if (!resolver) return withContext(reject('groups_overage', 'groups overage and no Graph access configured'), ctx);
      try {
        groups = await resolver.memberGroups(tenant, id);
      } catch {
        return withContext(reject('groups_overage', 'groups overage could not be resolved via Graph'), ctx);
      }
    } else {
      return withContext(groupsClaim, ctx);
    }

    const principal = buildPrincipal(
      claims,
      { id, tenant, kind, appId, groups, issuer: ctx.issuer, provider: p.name },
      this.groupNames,
    );
    return { ok: true, principal };
  }
}
