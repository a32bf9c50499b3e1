/**
 * Environment variables that override single keys of the file, so one config file serves every replica
 * and environment (each replica gets its own ports, each environment its own service URLs).
 */
export const envOverrides: ReadonlyArray<{ env: string; path: string[]; type: 'string' | 'int' }> = [
  { env: 'PORTCULLIS_NATS_URL', path: ['nats', 'url'], type: 'string' },
  { env: 'PORTCULLIS_POSTGRES_URL', path: ['postgres', 'url'], type: 'string' },
  { env: 'PORTCULLIS_REDIS_URL', path: ['redis', 'url'], type: 'string' },
  { env: 'PORTCULLIS_REDIS_PREFIX', path: ['redis', 'keyPrefix'], type: 'string' },
  { env: 'PORTCULLIS_REQUEST_TIMEOUT_MS', path: ['messaging', 'requestTimeoutMs'], type: 'int' },
  { env: 'PORTCULLIS_BROKER_HTTP_PORT', path: ['services', 'broker', 'httpPort'], type: 'int' },
  { env: 'PORTCULLIS_BROKER_PG_PORT', path: ['services', 'broker', 'postgresPort'], type: 'int' },
  { env: 'PORTCULLIS_BROKER_SSH_PORT', path: ['services', 'broker', 'sshPort'], type: 'int' },
  { env: 'PORTCULLIS_BROKER_K8S_PORT', path: ['services', 'broker', 'k8sPort'], type: 'int' },
  { env: 'PORTCULLIS_IDENTITY_HTTP_PORT', path: ['services', 'identity', 'httpPort'], type: 'int' },
  { env: 'PORTCULLIS_POLICY_HTTP_PORT', path: ['services', 'policy', 'httpPort'], type: 'int' },
  { env: 'PORTCULLIS_APPROVAL_HTTP_PORT', path: ['services', 'approval', 'httpPort'], type: 'int' },
  { env: 'PORTCULLIS_AUDIT_HTTP_PORT', path: ['services', 'audit', 'httpPort'], type: 'int' },
];

export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const o of envOverrides) {
    const value = env[o.env];
    if (value === undefined || value === '') continue;
    let parsed: unknown = value;
    if (o.type === 'int') {
      if (!/^\d+$/.test(value)) {
        problems.push(`${o.env}: must be a whole number, got ${JSON.stringify(value.slice(0, 40))}`);
        continue;
      }
      parsed = Number(value);
    }
    setPath(raw, o.path, parsed);
  }
  return problems;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}
