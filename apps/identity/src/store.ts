import type { AppStore } from '@portcullis/database';
import { migrations } from './migrations';
import { SuspensionEntity } from './suspensions/suspension.entity';

/** The Postgres schema this service owns, its entities and its migrations. */
export const store: AppStore = {
  schema: 'identity',
  entities: [SuspensionEntity],
  migrations,
};
