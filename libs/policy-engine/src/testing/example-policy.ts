import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionRef, Principal } from '@portcullis/contracts';

// The example policy of the docs, so the documentation and the decision corpus cannot drift apart.
export const examplePolicy = readFileSync(join(__dirname, '../../../../docs/examples/policy.yaml'), 'utf8');

export const readerBot: Principal = {
  id: 'oid-reader',
  tenant: 't1',
  kind: 'agent',
  displayName: 'code-review-bot',
  groups: ['gid-readers'],
  groupNames: ['db-readers'],
  roles: [],
  appId: 'app-reader',
  issuer: 'https://issuer/t1/v2.0',
  provider: 'entra',
  expiresAt: 2_000_000_000,
  tokenId: 'u1',
};

export const outsider: Principal = { ...readerBot, id: 'oid-outsider', groups: [], groupNames: [] };

export const prodDb: ConnectionRef = { name: 'orders', type: 'postgres', tags: ['prod'] };
export const prodHost: ConnectionRef = { name: 'web-1', type: 'ssh', tags: ['prod'] };
export const prodCluster: ConnectionRef = { name: 'aks-prod', type: 'k8s', tags: ['prod'] };
export const api: ConnectionRef = { name: 'billing', type: 'http', tags: [] };
