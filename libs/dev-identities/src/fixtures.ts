/**
 * Fixed identities of the development issuer, shared by its defaults, tests
 * and the example configuration. Every secret and password here is a
 * DEV-ONLY value for a local issuer that protects nothing real.
 */

export const DEV_IDP_DEFAULT_PORT = 7180;

/** The dev directory (tenant) id. */
export const DEV_TENANT = '3f9c1e2a-7b4d-4c8e-9a6f-1d2e3b4c5a60';
export const DEV_USER_DOMAIN = 'dev.portcullis.test';

/** The Portcullis API registration: tokens are issued for it, so aud = this app id (as Entra does for api:// URIs). */
export const DEV_API_APP_ID = 'b7e2c9d4-1a3f-4e6b-8c5d-2f7a9e1b3c40';
export const DEV_API_APP_ID_URI = 'api://portcullis';
/** Delegated scope humans get (scp). */
export const DEV_API_SCOPE = 'access_as_user';
/** App roles granted to agents (roles). */
export const ROLE_AGENT = 'Portcullis.Agent';
export const ROLE_DEPLOYER = 'Portcullis.Deployer';
export const ROLE_ADMIN = 'Portcullis.Admin';

/** Security group object ids. */
export const GROUP_DB_READERS = '5b0e6a1c-2d3f-4a5b-8c6d-7e8f9a0b1c21';
export const GROUP_DBA_APPROVERS = '6c1f7b2d-3e4a-4b6c-9d7e-8f9a0b1c2d32';
export const GROUP_AUDITORS = '7d2a8c3e-4f5b-4c7d-8e8f-9a0b1c2d3e43';
export const GROUP_ADMINS = '8e3b9d4f-5a6c-4d8e-9f9a-0b1c2d3e4f54';
export const GROUP_DEPLOYERS = '9f4c0e5a-6b7d-4e9f-8a0b-1c2d3e4f5a65';

export const DEV_GROUPS = {
  dbReaders: GROUP_DB_READERS,
  dbaApprovers: GROUP_DBA_APPROVERS,
  auditors: GROUP_AUDITORS,
  admins: GROUP_ADMINS,
  deployers: GROUP_DEPLOYERS,
} as const;

/** Friendly names, in the shape TokenVerifier's `groupNames` option takes. */
export const DEV_GROUP_NAMES: Record<string, string> = {
  [GROUP_DB_READERS]: 'db-readers',
  [GROUP_DBA_APPROVERS]: 'dba-approvers',
  [GROUP_AUDITORS]: 'auditors',
  [GROUP_ADMINS]: 'admins',
  [GROUP_DEPLOYERS]: 'deployers',
};

/** Agents: confidential clients using client credentials. appId = client id, oid = service principal object id. */
export const CODE_REVIEW_BOT_APP_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01';
export const CODE_REVIEW_BOT_OID = 'e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02';
export const CODE_REVIEW_BOT_SECRET = 'dev-only-code-review-bot-secret';
export const DEPLOY_BOT_APP_ID = '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d03';
export const DEPLOY_BOT_OID = 'f2e3d4c5-b6a7-4f8e-9d0c-1b2a3f4e5d04';
export const DEPLOY_BOT_SECRET = 'dev-only-deploy-bot-secret';

/** Public client humans sign in through (ROPC, dev only). */
export const DEV_CLI_APP_ID = '3c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e05';

/** Humans (approvers). */
export const ALICE_OID = '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c11';
export const BOB_OID = '1b2c3d4e-5f6a-4b7c-8d9e-9f0a1b2c3d12';
export const CAROL_OID = '2c3d4e5f-6a7b-4c8d-9e0f-0a1b2c3d4e13';
export const ALICE_PASSWORD = 'dev-only-alice-password';
export const BOB_PASSWORD = 'dev-only-bob-password';
export const CAROL_PASSWORD = 'dev-only-carol-password';
