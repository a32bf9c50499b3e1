/**
 * Fixed identities of the development issuer (tenant, API, agents, humans,
 * groups), for tests and the example configuration. The values live in
 * @portcullis/dev-identities so apps' tests can share them without
 * depending on this tool; this module re-exports them as the issuer's own.
 * Every secret and password is a DEV-ONLY value for a local issuer that
 * protects nothing real.
 */
export {
  ALICE_OID,
  ALICE_PASSWORD,
  BOB_OID,
  BOB_PASSWORD,
  CAROL_OID,
  CAROL_PASSWORD,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_OID,
  CODE_REVIEW_BOT_SECRET,
  DEPLOY_BOT_APP_ID,
  DEPLOY_BOT_OID,
  DEPLOY_BOT_SECRET,
  DEV_API_APP_ID,
  DEV_API_APP_ID_URI,
  DEV_API_SCOPE,
  DEV_CLI_APP_ID,
  DEV_GROUPS,
  DEV_GROUP_NAMES,
  DEV_IDP_DEFAULT_PORT,
  DEV_TENANT,
  DEV_USER_DOMAIN,
  GROUP_ADMINS,
  GROUP_AUDITORS,
  GROUP_DBA_APPROVERS,
  GROUP_DB_READERS,
  GROUP_DEPLOYERS,
  ROLE_ADMIN,
  ROLE_AGENT,
  ROLE_DEPLOYER,
} from '@portcullis/dev-identities';
