/**
 * What to tell an operator when a dependency cannot be reached: where we looked and how to start it,
 * on a Debian host or with the repository's Compose file.
 */
export const dependencyHints = {
  nats: {
    what: 'NATS with JetStream',
    start: 'apt-get install nats-server && nats-server -js   (or: docker compose up -d nats)',
  },
  postgres: {
    what: 'PostgreSQL',
    start: 'apt-get install postgresql && pg_ctlcluster 15 main start   (or: docker compose up -d postgres)',
  },
  redis: {
    what: 'Redis',
    start: 'apt-get install redis-server && redis-server --daemonize yes   (or: docker compose up -d redis)',
  },
} as const;
export type Dependency = keyof typeof dependencyHints;

export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    readonly address: string,
    cause: string,
  ) {
    const hint = dependencyHints[dependency];
    super(`${hint.what} is not reachable at ${address} (${cause}); start it with: ${hint.start}`);
    this.name = 'DependencyUnavailableError';
  }
}

/** Strips credentials from a URL before it is printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
