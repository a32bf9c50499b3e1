import type { PortcullisConfig } from '@portcullis/config';
import { Client } from 'pg';
import { ensureDatabase } from './ensure-database';

/**
 * The demo's target: a database in the local PostgreSQL with a `customers` table holding emails and
 * card numbers (test card numbers), created once. Only for the example config's `demo` connection.
 */
export async function seedDemoDatabase(config: PortcullisConfig): Promise<string | undefined> {
  const demo = config.connections.find((c) => c.name === 'demo' && c.type === 'postgres');
  const target = demo?.target as { host?: string; port?: number; database?: string } | undefined;
  if (!target?.database || (target.host !== '127.0.0.1' && target.host !== 'localhost')) return undefined;
  const url = `postgres://postgres@${target.host}:${target.port ?? 5432}/${target.database}`;
  await ensureDatabase(url);
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      CREATE TABLE IF NOT EXISTS customers (id int PRIMARY KEY, name text NOT NULL, email text NOT NULL, card text NOT NULL, city text);
      INSERT INTO customers VALUES
        (1, 'Ada Lovelace', 'ada@example.com', '4111 1111 1111 1111', 'London'),
        (2, 'Grace Hopper', 'grace@example.org', '5500 0000 0000 0004', 'Arlington'),
        (3, 'Alan Turing', 'alan@example.net', '3400 0000 0000 009', 'Wilmslow')
      ON CONFLICT (id) DO NOTHING;`);
  } finally {
    await c.end();
  }
  return `${target.database} (customers: 3 rows)`;
}
