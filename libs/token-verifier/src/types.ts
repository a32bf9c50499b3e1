import type { Rejection } from './reasons';

export type EntraTokenVersion = '1.0' | '2.0';

/** Credentials the service itself uses to ask Microsoft Graph for group membership. */
export interface GraphConfig {
  /** e.g. https://graph.microsoft.com/v1.0 — never the URL a token points at. */
  baseUrl: string;
  /** e.g. https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ProviderConfig {
  name: string;
  kind: 'entra' | 'oidc';
  /**
   * oidc: the exact issuer. entra: the v2 issuer, where `{tenantid}` stands for
   * the tenant (default https://login.microsoftonline.com/{tenantid}/v2.0); a
   * literal issuer is matched exactly.
   */
  issuer?: string;
  /** entra: allowed tenant ids (required, non-empty). */
  tenants?: string[];
  audiences: string[];
  /** May contain `{tenantid}`. When absent the JWKS URI comes from OIDC discovery on the issuer. */
  jwksUri?: string;
  /** default 60 */
  clockSkewSeconds?: number;
  /** default 'groups' */
  groupsClaim?: string;
  /** entra only, default ['2.0'] */
  acceptedVersions?: EntraTokenVersion[];
  /** Optional groups-overage resolution with the service's own client credentials. */
  graph?: GraphConfig;
}

export interface Principal {
  /** Entra `oid`, else `sub`. Authorize on id + tenant, never on names or emails. */
  id: string;
  tenant: string | null;
  kind: 'agent' | 'human';
  displayName: string | null;
  /** Group object ids. */
  groups: string[];
  /** Friendly names for the groups found in the configured map. */
  groupNames: string[];
  roles: string[];
  /** azp (v2) / appid (v1) / client_id. */
  appId: string | null;
  issuer: string;
  provider: string;
  /** epoch seconds */
  expiresAt: number;
  /** uti / jti */
  tokenId: string | null;
}

export type VerifyResult = { ok: true; principal: Principal } | Rejection;

/** A decoded JWT payload. Untrusted until the signature has been verified. */
export type Claims = Record<string, unknown>;
