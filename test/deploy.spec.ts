// The Compose file and the Kubernetes base cannot be started here (no container engine), so this suite
// checks that they describe the services the code actually has: names, ports, probes and variables.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, serviceEnvironment } from '@portcullis/config';
import { serviceNames } from '@portcullis/contracts';
import { parseAllDocuments, parse } from 'yaml';

const root = join(__dirname, '..');
const defaults = parseConfig('', 'defaults', {}).config.services;
const httpPort = (s: string) => (defaults as Record<string, { httpPort: number }>)[s].httpPort;
const known = new Set(serviceEnvironment.map((e) => e.env));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // The test harness and the apps' test suites are not deployed; their variables are for test runs.
    if (statSync(p).isDirectory())
      return name === 'node_modules' || name === 'test' || p.endsWith('libs/testing') ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

function secretEnvRefs(configPath: string): string[] {
  return [...readFileSync(configPath, 'utf8').matchAll(/\{\s*env:\s*([A-Z0-9_]+)\s*\}/g)].map((m) => m[1]);
}

describe('the environment variables the code reads', () => {
  it('are all listed in serviceEnvironment, so deployments can be checked against them', () => {
    const read = new Set<string>();
    for (const f of [...sourceFiles(join(root, 'apps')), ...sourceFiles(join(root, 'libs'))]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/process\.env(?:\.([A-Z0-9_]+)|\[['"]([A-Z0-9_]+)['"]\])/g)) {
        read.add(m[1] ?? m[2]);
      }
    }
    for (const o of serviceEnvironment) read.delete(o.env);
    expect([...read]).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { environment?: Record<string, string>; ports?: string[]; command?: string[]; build?: string; volumes?: string[] }
    >;
  };

  it('runs every service from the one image, with its own name and default HTTP port', () => {
    for (const name of serviceNames) {
      const svc = compose.services[name];
      expect(svc).toBeDefined();
      expect(svc.build).toBe('.');
      expect(svc.environment?.PORTCULLIS_SERVICE).toBe(name);
      expect(svc.ports).toContain(`${httpPort(name)}:${httpPort(name)}`);
    }
    expect(compose.services.broker.ports).toEqual(
      expect.arrayContaining([
        `${defaults.broker.postgresPort}:${defaults.broker.postgresPort}`,
        `${defaults.broker.sshPort}:${defaults.broker.sshPort}`,
        `${defaults.broker.k8sPort}:${defaults.broker.k8sPort}`,
      ]),
    );
  });

  it('has the dependencies, with JetStream on', () => {
    for (const dep of ['nats', 'postgres', 'redis', 'otel-collector']) expect(compose.services[dep]).toBeDefined();
    expect(compose.services.nats.command).toContain('-js');
  });

  it('sets only variables the code reads, and every secret the mounted config refers to', () => {
    const configFile = join(root, 'deploy/compose/portcullis.yaml');
    parseConfig(readFileSync(configFile, 'utf8'), configFile, {});
    const secrets = secretEnvRefs(configFile);
    for (const name of serviceNames) {
      const env = compose.services[name].environment ?? {};
      for (const key of Object.keys(env)) {
        if (key !== 'PORTCULLIS_SERVICE' && !secrets.includes(key)) expect(known).toContain(key);
      }
      for (const s of secrets) expect(Object.keys(env)).toContain(s);
      expect(env.PORTCULLIS_CONFIG).toBe('/etc/portcullis/portcullis.yaml');
      expect(compose.services[name].volumes).toContain(
        './deploy/compose/portcullis.yaml:/etc/portcullis/portcullis.yaml:ro',
      );
    }
  });

  it('migrates every store before the services start', () => {
    const cmd = compose.services.migrate.command?.join(' ') ?? '';
    for (const app of ['identity', 'approval', 'audit']) expect(cmd).toContain(`dist/apps/${app}/src/migrate.js`);
  });
});

describe('deploy/k8s (kustomize base)', () => {
  type Container = {
    env: unknown[];
    ports: unknown[];
    envFrom: unknown[];
    readinessProbe: { httpGet: unknown };
    livenessProbe: { httpGet: unknown };
  };
  type K8sObject = {
    kind: string;
    metadata: { name: string };
    spec: { template: { spec: { containers: Container[] } }; ports: unknown[] };
    data?: Record<string, string>;
  };
  const rendered = execFileSync('kubectl', ['kustomize', join(root, 'deploy/k8s')], { encoding: 'utf8' });
  const objects = parseAllDocuments(rendered).map((d) => d.toJS() as K8sObject);
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  it('renders a Deployment, Service and PodDisruptionBudget per service, with probes on the HTTP port', () => {
    for (const name of serviceNames) {
      const dep = find('Deployment', `portcullis-${name}`);
      expect(dep).toBeDefined();
      const c = dep!.spec.template.spec.containers[0];
      expect(c.env).toContainEqual({ name: 'PORTCULLIS_SERVICE', value: name });
      expect(c.ports).toContainEqual({ name: 'http', containerPort: httpPort(name) });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.envFrom).toContainEqual({ secretRef: { name: expect.stringMatching(/^portcullis-secrets/) } });
      const svc = find('Service', `portcullis-${name}`);
      expect(svc!.spec.ports).toContainEqual({ name: 'http', port: httpPort(name), targetPort: 'http' });
      expect(find('PodDisruptionBudget', `portcullis-${name}`)).toBeDefined();
    }
  });

  it('scales the broker with a HorizontalPodAutoscaler of at least two replicas, guarded by its budget', () => {
    const hpa = find('HorizontalPodAutoscaler', 'portcullis-broker') as unknown as {
      spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
    };
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'portcullis-broker' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const pdb = find('PodDisruptionBudget', 'portcullis-broker') as unknown as { spec: { minAvailable: number } };
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    // The autoscaler owns the count: a replicas field in the Deployment would be reset on every apply.
    expect((find('Deployment', 'portcullis-broker')!.spec as { replicas?: number }).replicas).toBeUndefined();
    for (const name of serviceNames.filter((n) => n !== 'broker'))
      expect((find('Deployment', `portcullis-${name}`)!.spec as { replicas?: number }).replicas).toBeGreaterThanOrEqual(
        2,
      );
  });

  it('ships a valid config and only variables the code reads', () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('portcullis-config'));
    parseConfig(cm!.data!['portcullis.yaml'], 'configmap', {});
    const envCm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('portcullis-env'));
    for (const key of Object.keys(envCm!.data!)) expect(known).toContain(key);
  });
});

describe('Dockerfile', () => {
  it('starts the service PORTCULLIS_SERVICE names from the built output', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/dist\/apps\/\$\{PORTCULLIS_SERVICE\}\/src\/main\.js/);
    for (const name of serviceNames) expect(statSync(join(root, 'apps', name, 'src', 'main.ts')).isFile()).toBe(true);
  });
});

describe('config/portcullis.yaml (the example npm start uses)', () => {
  it('validates, with policies that load', () => {
    const path = join(root, 'config/portcullis.yaml');
    const loaded = parseConfig(readFileSync(path, 'utf8'), path, {});
    expect(loaded.config.connections.map((c) => c.name)).toContain('demo');
    expect(Array.isArray(loaded.config.policies) && loaded.config.policies.length).toBeGreaterThan(3);
  });
});
