import { readFile } from 'node:fs/promises';
import {
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
  DEV_USER_DOMAIN,
  GROUP_ADMINS,
  GROUP_AUDITORS,
  GROUP_DB_READERS,
  GROUP_DBA_APPROVERS,
  GROUP_DEPLOYERS,
  ROLE_ADMIN,
  ROLE_AGENT,
  ROLE_DEPLOYER,
} from './fixtures';

/** The resource (API) tokens are issued for. */
export interface DevApi {
  appId: string;
  appIdUri: string;
  /** Delegated scopes a user token may carry in `scp`. */
  scopes: string[];
}

export interface DevClient {
  name: string;
  clientId: string;
  /** Absent: a public client (only usable for the dev password grant). */
  clientSecret?: string;
  /** Service principal object id: the agent's `oid` and `sub`. */
  objectId: string;
  roles: string[];
  groups: string[];
  /** The client whose secret main.ts may print in its curl hint. */
  demo?: boolean;
}

export interface DevUser {
  username: string;
  password: string;
  objectId: string;
  displayName: string;
  groups: string[];
  roles: string[];
}

export interface DevIdpConfig {
  tenant: string;
  userDomain: string;
  api: DevApi;
  clients: DevClient[];
  users: DevUser[];
  tokenLifetimeSeconds: number;
  /** Like Entra's JWT limit: above this many groups the token carries an overage pointer instead. */
  groupsOverageLimit: number;
}

export function defaultDevIdpConfig(tenant: string): DevIdpConfig {
  return {
    tenant,
    userDomain: DEV_USER_DOMAIN,
    api: { appId: DEV_API_APP_ID, appIdUri: DEV_API_APP_ID_URI, scopes: [DEV_API_SCOPE] },
    clients: [
      {
        name: 'code-review-bot',
        clientId: CODE_REVIEW_BOT_APP_ID,
        clientSecret: CODE_REVIEW_BOT_SECRET,
        objectId: CODE_REVIEW_BOT_OID,
        roles: [ROLE_AGENT],
        groups: [GROUP_DB_READERS],
        demo: true,
      },
      {
        name: 'deploy-bot',
        clientId: DEPLOY_BOT_APP_ID,
        clientSecret: DEPLOY_BOT_SECRET,
        objectId: DEPLOY_BOT_OID,
        roles: [ROLE_AGENT, ROLE_DEPLOYER],
        groups: [GROUP_DEPLOYERS],
      },
      { name: 'portcullis-cli', clientId: DEV_CLI_APP_ID, objectId: DEV_CLI_APP_ID, roles: [], groups: [] },
    ],
    users: [
      user('alice', ALICE_PASSWORD, ALICE_OID, 'Alice (DBA approver)', [GROUP_DBA_APPROVERS]),
      user('bob', BOB_PASSWORD, BOB_OID, 'Bob (auditor)', [GROUP_AUDITORS]),
      { ...user('carol', CAROL_PASSWORD, CAROL_OID, 'Carol (admin)', [GROUP_ADMINS]), roles: [ROLE_ADMIN] },
    ],
    tokenLifetimeSeconds: 3600,
    groupsOverageLimit: 200,
  };
}

function user(username: string, password: string, objectId: string, displayName: string, groups: string[]): DevUser {
  return { username, password, objectId, displayName, groups, roles: [] };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function bad(path: string, why: string): never {
  throw new Error(`dev-idp config: ${path} ${why}`);
}

function str(obj: Record<string, unknown>, key: string, path: string, optional = false): string | undefined {
  const v = obj[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') bad(`${path}.${key}`, 'must be a non-empty string');
  return v;
}

function guid(obj: Record<string, unknown>, key: string, path: string): string {
  const v = str(obj, key, path) as string;
  if (!GUID.test(v)) bad(`${path}.${key}`, 'must be a lowercase GUID');
  return v;
}

function strings(obj: Record<string, unknown>, key: string, path: string): string[] {
  const v = obj[key] ?? [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${path}.${key}`, 'must be a list of strings');
  return v as string[];
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(path, 'must be an object');
  return v as Record<string, unknown>;
}

/**
 * Applies a clients file (`{ api?, clients?, users? }`) over the defaults;
 * each list given replaces the default list. Errors name the bad key.
 */
export function applyClientsFile(base: DevIdpConfig, json: unknown): DevIdpConfig {
  const root = record(json, '(root)');
  const out: DevIdpConfig = { ...base };
  if (root['api'] !== undefined) {
    const a = record(root['api'], 'api');
    out.api = {
      appId: guid(a, 'appId', 'api'),
      appIdUri: str(a, 'appIdUri', 'api') as string,
      scopes: strings(a, 'scopes', 'api'),
    };
  }
  if (root['clients'] !== undefined) {
    if (!Array.isArray(root['clients'])) bad('clients', 'must be a list');
    out.clients = root['clients'].map((raw, i) => {
      const path = `clients[${i}]`;
      const c = record(raw, path);
      const client: DevClient = {
        name: str(c, 'name', path) as string,
        clientId: guid(c, 'clientId', path),
        objectId: guid(c, 'objectId', path),
        roles: strings(c, 'roles', path),
        groups: strings(c, 'groups', path),
      };
      const secret = str(c, 'clientSecret', path, true);
      if (secret !== undefined) client.clientSecret = secret;
      if (c['demo'] === true) client.demo = true;
      return client;
    });
  }
  if (root['users'] !== undefined) {
    if (!Array.isArray(root['users'])) bad('users', 'must be a list');
    out.users = root['users'].map((raw, i) => {
      const path = `users[${i}]`;
      const u = record(raw, path);
      return {
        username: str(u, 'username', path) as string,
        password: str(u, 'password', path) as string,
        objectId: guid(u, 'objectId', path),
        displayName: str(u, 'displayName', path) as string,
        groups: strings(u, 'groups', path),
        roles: strings(u, 'roles', path),
      };
    });
  }
  const ids = new Set<string>();
  for (const c of out.clients) {
    if (ids.has(c.clientId)) bad('clients', `has duplicate clientId ${c.clientId}`);
    ids.add(c.clientId);
  }
  return out;
}

export async function loadClientsFile(base: DevIdpConfig, path: string): Promise<DevIdpConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`dev-idp config: cannot read ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`dev-idp config: ${path} is not valid JSON`);
  }
  return applyClientsFile(base, json);
}
