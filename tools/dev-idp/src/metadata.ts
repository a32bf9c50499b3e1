/** The endpoints of one dev tenant, laid out like Entra's v2 endpoints. */
export interface TenantEndpoints {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
}

export function tenantEndpoints(baseUrl: string, tenant: string): TenantEndpoints {
  const root = `${baseUrl}/${tenant}`;
  return {
    issuer: `${root}/v2.0`,
    discoveryUrl: `${root}/v2.0/.well-known/openid-configuration`,
    jwksUri: `${root}/discovery/v2.0/keys`,
    tokenEndpoint: `${root}/oauth2/v2.0/token`,
    authorizationEndpoint: `${root}/oauth2/v2.0/authorize`,
  };
}

/**
 * OpenID Provider metadata (OIDC Discovery §3). The authorization endpoint is
 * listed because the spec requires it; the dev issuer has no browser flow.
 */
export function openIdConfiguration(e: TenantEndpoints, tenant: string): Record<string, unknown> {
  return {
    issuer: e.issuer,
    authorization_endpoint: e.authorizationEndpoint,
    token_endpoint: e.tokenEndpoint,
    jwks_uri: e.jwksUri,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    grant_types_supported: ['client_credentials', 'password'],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nbf',
      'oid',
      'tid',
      'name',
      'preferred_username',
      'groups',
      'roles',
      'scp',
      'azp',
      'idtyp',
      'ver',
    ],
    request_uri_parameter_supported: false,
    tenant_region_scope: 'DEV',
    cloud_instance_name: 'dev-idp.local',
    tenant_id: tenant,
  };
}
