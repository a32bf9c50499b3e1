import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnv } from './environment';

/** A database of its own for one suite, on the real PostgreSQL; `drop` removes it with its schemas. */
export async function createTestDatabase(label: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `portcullis_t_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = new URL(testEnv.postgresUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(testEnv.postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
