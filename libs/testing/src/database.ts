import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testEnv } from './environment';

/** A database of its own for one suite, on the real PostgreSQL (or the one named); `drop` removes it. */
export async function createTestDatabase(
  label: string,
  postgresUrl: string = testEnv.postgresUrl,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `portcullis_t_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = new URL(postgresUrl);
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
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
