import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo-root';
import { auditStreamFor } from '@portcullis/contracts';
import { DEV_API_APP_ID, DEV_GROUP_NAMES, DEV_TENANT, GROUP_ADMINS, GROUP_AUDITORS } from '@portcullis/dev-identities';
import Redis from 'ioredis';
import { connect } from 'nats';
import { writeConfig } from './config-file';
import { createTestDatabase } from './database';
import { DevTokens } from './dev-tokens';
import { testEnv, uniqueNamespace } from './environment';
import { freePort } from './ports';
import { spawnService, type ServiceProcess } from './service-process';

const root = repoRoot();
const storing = new Set(['identity', 'approval', 'audit']);

export interface Stack {
  namespace: string;
  /** The suite's audit stream (named after its namespace). */
  auditStream: string;
  configPath: string;
  databaseUrl: string;
  redisPrefix: string;
  idp: { url: string; issuer: string; tokenEndpoint: string; process: ServiceProcess };
  tokens: DevTokens;
  services: Record<string, ServiceProcess>;
  /** The broker's protocol listener ports. */
  brokerPorts: { postgres: number; ssh: number; k8s: number };
  /** Environment a process (or this test process) needs to join the stack's NATS namespace. */
  env: Record<string, string>;
  /** Starts (again) one service of the stack, e.g. after a test stopped it. */
  start(name: string): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface StackOptions {
  label: string;
  services: string[];
  /** Extra config sections merged over the generated ones (policies, connections ...). */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Environment of the development issuer, e.g. DEV_IDP_TOKEN_LIFETIME. */
  idpEnv?: Record<string, string>;
}

/**
 * A whole Portcullis for one suite, on the real NATS / PostgreSQL / Redis: its own NATS namespace,
 * database, Redis key prefix and development issuer, the chosen services as real processes.
 * `stop` removes everything it made.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const namespace = uniqueNamespace(opts.label);
  const redisPrefix = `portcullis:${namespace}:`;
  const db = await createTestDatabase(opts.label);
  try {
    return await startOn(db, opts, namespace, redisPrefix);
  } catch (err) {
    await db.drop().catch(() => undefined);
    await deleteKeys(redisPrefix).catch(() => undefined);
    throw err;
  }
}

async function startOn(
  db: Awaited<ReturnType<typeof createTestDatabase>>,
  opts: StackOptions,
  namespace: string,
  redisPrefix: string,
): Promise<Stack> {
  const idpPort = await freePort();
  const idpProcess = spawnService('dev-idp', {
    entry: 'tools/dev-idp/src/main.js',
    configPath: '',
    httpPort: idpPort,
    env: { DEV_IDP_PORT: String(idpPort), DEV_IDP_TENANT: DEV_TENANT, ...opts.idpEnv },
  });
  const idpUrl = `http://127.0.0.1:${idpPort}`;
  const issuer = `${idpUrl}/${DEV_TENANT}/v2.0`;
  await waitFor(`${issuer}/.well-known/openid-configuration`, idpProcess);

  const ports: Record<string, number> = {};
  for (const s of ['identity', 'policy', 'approval', 'audit', 'broker']) ports[s] = await freePort();
  const brokerPorts = { postgres: await freePort(), ssh: await freePort(), k8s: await freePort() };
  const brokerEnv = {
    PORTCULLIS_BROKER_PG_PORT: String(brokerPorts.postgres),
    PORTCULLIS_BROKER_SSH_PORT: String(brokerPorts.ssh),
    PORTCULLIS_BROKER_K8S_PORT: String(brokerPorts.k8s),
  };
  const config = {
    postgres: { url: db.url },
    redis: { url: testEnv.redisUrl, keyPrefix: redisPrefix },
    nats: { url: testEnv.natsUrl },
    messaging: { requestTimeoutMs: 1500 },
    // JetStream reserves a stream's byte limit on disk: keep each suite's stream small.
    audit: { stream: { maxBytes: 64 * 1024 * 1024 } },
    identity: {
      providers: [{ name: 'dev', kind: 'entra', tenants: [DEV_TENANT], issuer, audiences: [DEV_API_APP_ID] }],
      groupNames: DEV_GROUP_NAMES,
      adminGroups: [GROUP_ADMINS],
      auditorGroups: [GROUP_AUDITORS],
    },
    ...opts.config,
  };
  const file = writeConfig(config);
  const env = { PORTCULLIS_NATS_NAMESPACE: namespace, ...opts.env };
  for (const app of opts.services.filter((s) => storing.has(s))) {
    const r = spawnSync(process.execPath, [join(root, 'dist/apps', app, 'src/migrate.js')], {
      env: { ...process.env, ...env, PORTCULLIS_CONFIG: file.path },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`migrating ${app} failed: ${r.stderr}`);
  }

  const services: Record<string, ServiceProcess> = {};
  const start = async (name: string) => {
    await services[name]?.stop();
    const p = spawnService(name, {
      configPath: file.path,
      httpPort: ports[name],
      env: name === 'broker' ? { ...env, ...brokerEnv } : env,
    });
    services[name] = p;
    await p.waitReady();
    return p;
  };
  try {
    await Promise.all(opts.services.map((s) => start(s)));
  } catch (err) {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    await idpProcess.stop();
    throw err;
  }

  return {
    namespace,
    auditStream: auditStreamFor(namespace),
    configPath: file.path,
    databaseUrl: db.url,
    redisPrefix,
    idp: { url: idpUrl, issuer, tokenEndpoint: `${idpUrl}/${DEV_TENANT}/oauth2/v2.0/token`, process: idpProcess },
    tokens: new DevTokens(`${idpUrl}/${DEV_TENANT}/oauth2/v2.0/token`),
    services,
    brokerPorts,
    env,
    start,
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await idpProcess.stop();
      await db.drop();
      await deleteKeys(redisPrefix);
      await deleteStream(namespace);
      file.cleanup();
    },
  };
}

async function waitFor(url: string, proc: ServiceProcess, timeoutMs = 10000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer:\n${proc.output()}`);
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(testEnv.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Removes the suite's audit stream (named after its namespace). */
async function deleteStream(namespace: string): Promise<void> {
  const nc = await connect({ servers: testEnv.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(auditStreamFor(namespace)).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** Every message stored in the suite's audit stream, as raw JSON text, oldest first. */
export async function readAuditStream(stack: Pick<Stack, 'auditStream'>): Promise<string[]> {
  const nc = await connect({ servers: testEnv.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stack.auditStream);
    const out: string[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      out.push(Buffer.from((await jsm.streams.getMessage(stack.auditStream, { seq })).data).toString('utf8'));
    }
    return out;
  } finally {
    await nc.close();
  }
}

export const randomSuffix = (): string => randomBytes(4).toString('hex');
