import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo-root';
import { auditStreamFor } from '@portcullis/contracts';
import { DEV_API_APP_ID, DEV_GROUP_NAMES, DEV_TENANT, GROUP_ADMINS, GROUP_AUDITORS } from '@portcullis/dev-identities';
import { writeConfig } from './config-file';
import { createTestDatabase } from './database';
import { DevTokens } from './dev-tokens';
import { testEnv, uniqueNamespace, type Dependencies } from './environment';
import { freePort } from './ports';
import { spawnService, type ServiceProcess } from './service-process';
import { deleteKeys, deleteStream } from './stack-resources';

export { deleteKeys, readAuditStream } from './stack-resources';

const root = repoRoot();
const storing = new Set(['identity', 'approval', 'audit']);

/** The protocol listener ports of one broker replica. */
export interface BrokerPorts {
  postgres: number;
  ssh: number;
  k8s: number;
}

export interface Stack {
  namespace: string;
  /** The suite's audit stream (named after its namespace). */
  auditStream: string;
  configPath: string;
  databaseUrl: string;
  redisPrefix: string;
  /** The NATS, PostgreSQL and Redis this stack runs on. */
  deps: Dependencies;
  idp: { url: string; issuer: string; tokenEndpoint: string; process: ServiceProcess };
  tokens: DevTokens;
  /** The first replica of each service. */
  services: Record<string, ServiceProcess>;
  /** Every replica of each service, by index. */
  replicas: Record<string, ServiceProcess[]>;
  /** The first broker's protocol listener ports. */
  brokerPorts: BrokerPorts;
  /** Each broker replica's protocol listener ports, by replica index. */
  brokers: BrokerPorts[];
  /** Environment a process (or this test process) needs to join the stack's NATS namespace. */
  env: Record<string, string>;
  /** Starts (again) one replica of a service, e.g. after a test stopped or killed it; waits until ready. */
  start(name: string, replica?: number): Promise<ServiceProcess>;
  /** kill -9 one replica and waits until the process is gone. */
  kill(name: string, replica?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  label: string;
  services: string[];
  /** Replicas per service (default 1): each a process of its own with its own ports. */
  replicas?: Partial<Record<string, number>>;
  /** Other NATS / PostgreSQL / Redis than the machine's (a private instance a test restarts). */
  deps?: Partial<Dependencies>;
  /** Extra config sections merged over the generated ones (policies, connections ...). */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Environment of the development issuer, e.g. DEV_IDP_TOKEN_LIFETIME. */
  idpEnv?: Record<string, string>;
}

/**
 * A whole Portcullis for one suite, on the real NATS / PostgreSQL / Redis: its own NATS namespace,
 * database, Redis key prefix and development issuer, the chosen services as real processes (as many
 * replicas of each as asked, on ports of their own). `stop` removes everything it made.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const deps: Dependencies = { ...testEnv, ...opts.deps };
  const namespace = uniqueNamespace(opts.label);
  const redisPrefix = `portcullis:${namespace}:`;
  const db = await createTestDatabase(opts.label, deps.postgresUrl);
  try {
    return await startOn(db, deps, opts, namespace, redisPrefix);
  } catch (err) {
    await db.drop().catch(() => undefined);
    await deleteKeys(redisPrefix, deps.redisUrl).catch(() => undefined);
    await deleteStream(namespace, deps.natsUrl).catch(() => undefined);
    throw err;
  }
}

async function startIdp(opts: StackOptions) {
  const idpPort = await freePort();
  const process = spawnService('dev-idp', {
    entry: 'tools/dev-idp/src/main.js',
    configPath: '',
    httpPort: idpPort,
    env: { DEV_IDP_PORT: String(idpPort), DEV_IDP_TENANT: DEV_TENANT, ...opts.idpEnv },
  });
  const url = `http://127.0.0.1:${idpPort}`;
  const issuer = `${url}/${DEV_TENANT}/v2.0`;
  await waitFor(`${issuer}/.well-known/openid-configuration`, process);
  return { url, issuer, tokenEndpoint: `${url}/${DEV_TENANT}/oauth2/v2.0/token`, process };
}

function stackConfig(opts: StackOptions, deps: Dependencies, databaseUrl: string, redisPrefix: string, issuer: string) {
  return {
    postgres: { url: databaseUrl },
    redis: { url: deps.redisUrl, keyPrefix: redisPrefix },
    nats: { url: deps.natsUrl },
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
}

async function startOn(
  db: Awaited<ReturnType<typeof createTestDatabase>>,
  deps: Dependencies,
  opts: StackOptions,
  namespace: string,
  redisPrefix: string,
): Promise<Stack> {
  const idp = await startIdp(opts);
  const count = (s: string) => Math.max(1, opts.replicas?.[s] ?? 1);
  const httpPorts: Record<string, number[]> = {};
  const brokers: BrokerPorts[] = [];
  for (const s of opts.services) {
    httpPorts[s] = [];
    for (let i = 0; i < count(s); i++) httpPorts[s].push(await freePort());
  }
  for (let i = 0; i < count('broker'); i++)
    brokers.push({ postgres: await freePort(), ssh: await freePort(), k8s: await freePort() });
  const file = writeConfig(stackConfig(opts, deps, db.url, redisPrefix, idp.issuer));
  const env = { PORTCULLIS_NATS_NAMESPACE: namespace, ...opts.env };
  try {
    migrate(opts.services, env, file.path);
  } catch (err) {
    await idp.process.stop();
    file.cleanup();
    throw err;
  }

  const replicas: Record<string, ServiceProcess[]> = Object.fromEntries(opts.services.map((s) => [s, []]));
  const services: Record<string, ServiceProcess> = {};
  const envOf = (name: string, i: number) => {
    if (name !== 'broker') return env;
    const b = brokers[i];
    return {
      ...env,
      PORTCULLIS_BROKER_PG_PORT: String(b.postgres),
      PORTCULLIS_BROKER_SSH_PORT: String(b.ssh),
      PORTCULLIS_BROKER_K8S_PORT: String(b.k8s),
    };
  };
  const start = async (name: string, i = 0) => {
    const ports = httpPorts[name];
    if (!ports?.[i]) throw new Error(`the stack has no replica ${i} of ${name}`);
    await replicas[name][i]?.stop();
    const p = spawnService(name, { configPath: file.path, httpPort: ports[i], env: envOf(name, i) });
    replicas[name][i] = p;
    if (i === 0) services[name] = p;
    await p.waitReady();
    return p;
  };
  const kill = async (name: string, i = 0) => {
    const p = replicas[name]?.[i];
    if (!p) throw new Error(`the stack has no replica ${i} of ${name}`);
    p.signal('SIGKILL');
    await p.exited();
  };
  const all = () => Object.values(replicas).flat();
  try {
    await Promise.all(opts.services.flatMap((s) => Array.from({ length: count(s) }, (_, i) => start(s, i))));
  } catch (err) {
    await Promise.all(all().map((s) => s.stop()));
    await idp.process.stop();
    file.cleanup();
    throw err;
  }

  return {
    namespace,
    auditStream: auditStreamFor(namespace),
    configPath: file.path,
    databaseUrl: db.url,
    redisPrefix,
    deps,
    idp,
    tokens: new DevTokens(idp.tokenEndpoint),
    services,
    replicas,
    brokerPorts: brokers[0],
    brokers,
    env,
    start,
    kill,
    async stop() {
      await Promise.all(all().map((s) => s.stop()));
      await idp.process.stop();
      // Each step is tried even if an earlier one fails (a dependency a test left stopped, say).
      const steps = await Promise.allSettled([
        db.drop(),
        deleteKeys(redisPrefix, deps.redisUrl),
        deleteStream(namespace, deps.natsUrl),
      ]);
      file.cleanup();
      const failed = steps.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

function migrate(services: string[], env: Record<string, string>, configPath: string): void {
  for (const app of services.filter((s) => storing.has(s))) {
    const r = spawnSync(process.execPath, [join(root, 'dist/apps', app, 'src/migrate.js')], {
      env: { ...process.env, ...env, PORTCULLIS_CONFIG: configPath },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`migrating ${app} failed: ${r.stderr}`);
  }
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
