import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { Claims, EntraTokenVersion, GraphConfig, ProviderConfig } from './types';

/** Personal Microsoft accounts all share this tenant: accepting it means accepting anyone with an MSA. */
export const MSA_CONSUMER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const TENANT_PLACEHOLDER = '{tenantid}';

const ENTRA_V2_ISSUER = `https://login.microsoftonline.com/${TENANT_PLACEHOLDER}/v2.0`;
const ENTRA_V1_ISSUER = `https://sts.windows.net/${TENANT_PLACEHOLDER}/`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GUID_SOURCE = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

interface IssuerPattern {
  template: string;
  /** null: the template is a literal issuer. */
  regex: RegExp | null;
}

export interface NormalizedProvider {
  name: string;
  kind: 'entra' | 'oidc';
  audiences: ReadonlySet<string>;
  tenants: ReadonlySet<string>;
  skewSeconds: number;
  groupsClaim: string;
  acceptedVersions: ReadonlySet<EntraTokenVersion>;
  /** oidc: the exact issuer. entra: the v2 issuer pattern. */
  issuer: IssuerPattern;
  /** entra only: the v1 (sts.windows.net) issuer pattern, recognised so it can be refused precisely. */
  v1Issuer: IssuerPattern | null;
  jwksUri: string | null;
  graph: GraphConfig | null;
}

/** Where a token's (unverified) issuer routed it. */
export interface IssuerRoute {
  ok: true;
  provider: NormalizedProvider;
  /** entra: tenant taken from the issuer (or the tid claim for a literal issuer); already checked against the allow-list. */
  tenant: string | null;
  /** entra: the version implied by the issuer's format. */
  version: EntraTokenVersion | null;
  /** True when the tenant came out of the issuer itself, so the tid claim must equal it. */
  tenantFromIssuer: boolean;
  /** Issuer to run OIDC discovery against when no jwksUri is configured. */
  discoveryIssuer: string;
  /** Configured JWKS URI with the tenant substituted, or null to use discovery. */
  jwksUri: string | null;
}

function compile(template: string): IssuerPattern {
  if (!template.includes(TENANT_PLACEHOLDER)) return { template, regex: null };
  const source = template
    .split(TENANT_PLACEHOLDER)
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join(GUID_SOURCE);
  return { template, regex: new RegExp(`^${source}$`) };
}

function fail(provider: string, key: string, why: string): never {
  throw new Error(`token-verifier: providers[${provider}].${key} ${why}`);
}

/** Validates one provider and applies defaults; throws with the offending key named. */
export function normalizeProvider(config: ProviderConfig, index: number): NormalizedProvider {
  const label = typeof config?.name === 'string' && config.name ? config.name : String(index);
  const common = commonSettings(config, label);
  if (config.kind === 'oidc') {
    if (typeof config.issuer !== 'string' || config.issuer === '') fail(label, 'issuer', 'is required for oidc');
    if (config.issuer.includes(TENANT_PLACEHOLDER)) fail(label, 'issuer', 'may not contain {tenantid} for oidc');
    return {
      ...common,
      tenants: new Set(config.tenants ?? []),
      acceptedVersions: new Set(),
      issuer: { template: config.issuer, regex: null },
      v1Issuer: null,
    };
  }
  return {
    ...common,
    tenants: entraTenants(config, label),
    acceptedVersions: entraVersions(config, label),
    issuer: compile(config.issuer ?? ENTRA_V2_ISSUER),
    v1Issuer: compile(ENTRA_V1_ISSUER),
  };
}

type CommonSettings = Omit<NormalizedProvider, 'tenants' | 'acceptedVersions' | 'issuer' | 'v1Issuer'>;

function commonSettings(config: ProviderConfig, label: string): CommonSettings {
  if (typeof config.name !== 'string' || config.name === '') fail(label, 'name', 'must be a non-empty string');
  if (config.kind !== 'entra' && config.kind !== 'oidc') fail(label, 'kind', "must be 'entra' or 'oidc'");
  const audiences = config.audiences;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === '')) {
    fail(label, 'audiences', 'must be a non-empty list of non-empty strings');
  }
  const skew = config.clockSkewSeconds ?? 60;
  if (!Number.isFinite(skew) || skew < 0 || skew > 600) fail(label, 'clockSkewSeconds', 'must be 0..600');
  const groupsClaim = config.groupsClaim ?? 'groups';
  if (typeof groupsClaim !== 'string' || groupsClaim === '') fail(label, 'groupsClaim', 'must be a non-empty string');
  if (config.jwksUri !== undefined && (typeof config.jwksUri !== 'string' || config.jwksUri === '')) {
    fail(label, 'jwksUri', 'must be a non-empty string');
  }
  return {
    name: config.name,
    kind: config.kind,
    audiences: new Set(audiences),
    skewSeconds: skew,
    groupsClaim,
    jwksUri: config.jwksUri ?? null,
    graph: config.graph ?? null,
  };
}

/** Entra fails closed: an empty tenant list would otherwise mean "any tenant". */
function entraTenants(config: ProviderConfig, label: string): Set<string> {
  if (!Array.isArray(config.tenants) || config.tenants.length === 0) {
    fail(label, 'tenants', 'must list the allowed tenant ids for entra');
  }
  const tenants = config.tenants.map((t) => (typeof t === 'string' ? t.toLowerCase() : ''));
  if (tenants.some((t) => !GUID.test(t))) fail(label, 'tenants', 'must contain tenant id GUIDs');
  return new Set(tenants);
}

function entraVersions(config: ProviderConfig, label: string): Set<EntraTokenVersion> {
  const versions = config.acceptedVersions ?? ['2.0'];
  if (!Array.isArray(versions) || versions.length === 0 || versions.some((v) => v !== '1.0' && v !== '2.0')) {
    fail(label, 'acceptedVersions', "must be a non-empty list of '1.0' / '2.0'");
  }
  return new Set(versions);
}

interface Candidate {
  provider: NormalizedProvider;
  tenant: string | null;
  tenantFromIssuer: boolean;
  version: EntraTokenVersion | null;
}

function matchEntra(p: NormalizedProvider, iss: string, claimedTid: string | null): Candidate | null {
  for (const [pattern, version] of [
    [p.issuer, '2.0'],
    [p.v1Issuer, '1.0'],
  ] as const) {
    if (pattern === null) continue;
    if (pattern.regex) {
      const m = pattern.regex.exec(iss);
      if (m) return { provider: p, tenant: m[1] ?? null, tenantFromIssuer: true, version };
    } else if (pattern.template === iss) {
      return { provider: p, tenant: claimedTid, tenantFromIssuer: false, version };
    }
  }
  return null;
}

/**
 * Picks the provider from the *unverified* `iss`. Nothing here is trusted: it
 * only decides which keys and rules to verify with. Every refusal here is
 * safe to make early (a refusal cannot be abused), and it keeps us from
 * fetching key sets for tenants we would refuse anyway.
 */
export function routeIssuer(providers: readonly NormalizedProvider[], payload: Claims): IssuerRoute | Rejection {
  const iss = payload['iss'];
  if (typeof iss !== 'string' || iss === '') return reject('malformed', 'token has no iss claim');
  const claimedTid = typeof payload['tid'] === 'string' ? payload['tid'].toLowerCase() : null;
  const candidates: Candidate[] = [];
  for (const p of providers) {
    if (p.kind === 'oidc') {
      if (p.issuer.template === iss) {
        candidates.push({ provider: p, tenant: null, tenantFromIssuer: false, version: null });
      }
      continue;
    }
    const c = matchEntra(p, iss, claimedTid);
    if (c) candidates.push(c);
  }
  if (candidates.length === 0) return reject('wrong_issuer', 'no configured provider trusts this issuer');
  // Several Entra providers may share the public issuer pattern; prefer the one that allows this tenant.
  const chosen =
    candidates.find((c) => c.provider.kind === 'oidc' || (c.tenant !== null && c.provider.tenants.has(c.tenant))) ??
    (candidates[0] as Candidate);
  const p = chosen.provider;
  if (p.kind === 'oidc') {
    return {
      ok: true,
      provider: p,
      tenant: null,
      version: null,
      tenantFromIssuer: false,
      discoveryIssuer: iss,
      jwksUri: p.jwksUri,
    };
  }
  if (chosen.version !== null && !p.acceptedVersions.has(chosen.version)) {
    return reject(
      'wrong_issuer',
      `v${chosen.version} token issuer; provider accepts ${[...p.acceptedVersions].join(', ')} tokens`,
    );
  }
  if (chosen.tenant === null) return reject('wrong_tenant', 'token names no tenant');
  if (!p.tenants.has(chosen.tenant)) {
    return reject(
      'wrong_tenant',
      chosen.tenant === MSA_CONSUMER_TENANT
        ? 'personal Microsoft account (consumer) tenant is not allowed'
        : 'tenant is not allowed',
    );
  }
  const tenant = chosen.tenant;
  return {
    ok: true,
    provider: p,
    tenant,
    version: chosen.version,
    tenantFromIssuer: chosen.tenantFromIssuer,
    // Entra signs v1 and v2 tokens with the same keys, published under the v2 metadata.
    discoveryIssuer: p.issuer.template.split(TENANT_PLACEHOLDER).join(tenant),
    jwksUri: p.jwksUri === null ? null : p.jwksUri.split(TENANT_PLACEHOLDER).join(tenant),
  };
}
