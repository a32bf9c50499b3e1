export { DatabaseModule, PostgresReadiness } from './database.module';
export { storeOptions, runMigrations, quoteIdent } from './data-source';
export type { AppStore } from './data-source';
export { migrateCli } from './migrate-cli';
