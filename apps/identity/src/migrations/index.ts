import { Suspensions1764300000000 } from './1764300000000-suspensions';

// Migrations in the order they were written; each one is applied once and never edited after release.
export const migrations = [Suspensions1764300000000];
