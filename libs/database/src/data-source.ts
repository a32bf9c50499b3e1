import type { PortcullisConfig } from '@portcullis/config';
import { resolveSecret } from '@portcullis/config';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface AppStore {
  /** The Postgres schema this app owns; no other app reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * Connection options for one app's store. Never `synchronize`: the schema changes only through
 * migrations, which are reviewed and run by a target, so production is never altered by a code change.
 */
export function storeOptions(config: PortcullisConfig, store: AppStore): DataSourceOptions {
  const password = config.postgres.password ? resolveSecret(config.postgres.password, 'postgres.password') : undefined;
  return {
    type: 'postgres',
    url: config.postgres.url,
    password,
    schema: store.schema,
    entities: store.entities,
    migrations: store.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    extra: { max: 10, connectionTimeoutMillis: 3000 },
  };
}

/** Creates the app's schema if needed and applies its pending migrations; returns their names. */
export async function runMigrations(config: PortcullisConfig, store: AppStore): Promise<string[]> {
  const ds = new DataSource(storeOptions(config, store));
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(store.schema)}`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
