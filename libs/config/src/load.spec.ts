import { ConfigError, parseConfig } from './load';

function problemsOf(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, 'p.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

describe('config loading', () => {
  it('fills defaults for an empty file', () => {
    const { config } = parseConfig('', 'p.yaml', {});
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.services.broker.postgresPort).toBe(15432);
    expect(config.services.audit.httpPort).toBe(7104);
    expect(config.messaging.requestTimeoutMs).toBe(2000);
  });

  it('names the file, line and key of an unknown key', () => {
    const problems = problemsOf('nats:\n  url: nats://127.0.0.1:4222\n  urll: nats://x:1\n');
    expect(problems).toEqual(['p.yaml:2:3: nats: unknown key urll']);
  });

  it('names the line and key of a value of the wrong type', () => {
    const problems = problemsOf('services:\n  policy:\n    httpPort: "seven"\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^p\.yaml:3:15: services\.policy\.httpPort: Expected number, received string$/);
  });

  it('points into lists', () => {
    const yaml = [
      'identity:',
      '  providers:',
      '    - name: a',
      '      kind: entra',
      '      tenants: [t]',
      '      audiences: api://x',
    ].join('\n');
    expect(problemsOf(yaml)[0]).toMatch(/^p\.yaml:6:18: identity\.providers\[0\]\.audiences: Expected array/);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('nats: [\n')[0]).toMatch(/^p\.yaml:\d+:\d+: /);
  });

  it('refuses duplicate keys instead of silently taking the last one', () => {
    expect(problemsOf('nats:\n  url: nats://a:1\n  url: nats://b:2\n')[0]).toMatch(/^p\.yaml:3:3: .*[Uu]nique/);
  });

  it('refuses a password written into a service URL, without echoing it', () => {
    const problems = problemsOf('postgres:\n  url: postgres://u:hunter2@db:5432/x\n');
    expect(problems[0]).toContain('postgres.url: must not contain a password');
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses an inline secret where a reference is expected', () => {
    const yaml = 'postgres:\n  password: hunter2\n';
    const problems = problemsOf(yaml);
    expect(problems[0]).toMatch(/^p\.yaml:2:13: postgres\.password: /);
  });

  it('refuses duplicate connection names', () => {
    const yaml =
      'connections:\n  - {name: db, type: postgres, target: {}}\n  - {name: db, type: postgres, target: {}}\n';
    expect(problemsOf(yaml)).toEqual([expect.stringMatching(/connections\[1\]\.name: duplicate connection db/)]);
  });

  it('applies environment overrides and validates them like file values', () => {
    const { config } = parseConfig('', 'p.yaml', {
      PORTCULLIS_POLICY_HTTP_PORT: '9102',
      PORTCULLIS_NATS_URL: 'nats://n:4333',
    });
    expect(config.services.policy.httpPort).toBe(9102);
    expect(config.nats.url).toBe('nats://n:4333');
    expect(problemsOf('', { PORTCULLIS_BROKER_PG_PORT: 'abc' })).toEqual([
      'PORTCULLIS_BROKER_PG_PORT: must be a whole number, got "abc"',
    ]);
    expect(problemsOf('', { PORTCULLIS_REDIS_URL: 'http://r:1' })[0]).toContain(
      'redis.url: must use redis:// or rediss://',
    );
  });

  it('reports every problem, not only the first', () => {
    expect(problemsOf('nats: {url: 5}\nredis: {nope: 1}\n')).toHaveLength(2);
  });
});
