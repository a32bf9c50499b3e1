import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { createTestDatabase } from './database';

interface BrokerRef {
  brokerPorts: { postgres: number };
}

/** A target database for the broker, with the demo's kind of data: emails and card numbers. */
export async function createTargetDatabase(label: string) {
  const db = await createTestDatabase(label);
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query(`
    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text NOT NULL, card text NOT NULL, note text);
    INSERT INTO customers VALUES
      (1, 'Ada', 'ada@example.com', '4111 1111 1111 1111', 'vip'),
      (2, 'Bob', 'bob@example.org', '5500 0000 0000 0004', null),
      (3, 'Cy', 'cy@example.net', '3400 0000 0000 009', 'card 4012888888881881 on file');
    CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL);
    INSERT INTO orders (customer_id, total) SELECT (g % 3) + 1, g FROM generate_series(1, 50) g;`);
  await c.end();
  return db;
}

export interface PsqlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real psql against the broker (its first replica unless `port` names another) with the token as password. */
export function psql(
  stack: BrokerRef,
  database: string,
  token: string,
  args: string[],
  opts: { sslmode?: string; input?: string; timeoutMs?: number; port?: number } = {},
): Promise<PsqlResult> {
  return new Promise((resolve) => {
    const port = opts.port ?? stack.brokerPorts.postgres;
    const child = spawn(
      'psql',
      [
        `host=127.0.0.1 port=${port} dbname=${database} user=agent sslmode=${opts.sslmode ?? 'require'}`,
        '-X',
        '-v',
        'ON_ERROR_STOP=0',
        ...args,
      ],
      { env: { ...process.env, PGPASSWORD: token, PGCONNECT_TIMEOUT: '10' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A `pg` driver client through the broker (its first replica unless `port` names another). */
export function brokerClient(stack: BrokerRef, database: string, token: string, port?: number): Client {
  return new Client({
    host: '127.0.0.1',
    port: port ?? stack.brokerPorts.postgres,
    database,
    user: 'agent',
    password: token,
    ssl: { rejectUnauthorized: false },
  });
}

/** A `postgres` connection entry for the broker's config pointing at a test target database. */
export function targetConnection(
  name: string,
  db: { url: string; name: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const url = new URL(db.url);
  return {
    name,
    type: 'postgres',
    target: { host: url.hostname, port: Number(url.port || 5432), database: db.name, tls: 'disable' },
    credentials: { username: 'postgres' },
    ...extra,
  };
}
