import type { AppStore } from '@portcullis/database';
import { migrations } from './migrations';

/** The Postgres schema this service owns, its entities and its migrations. */
export const store: AppStore = {
  schema: 'audit',
  entities: [],
  migrations,
};
