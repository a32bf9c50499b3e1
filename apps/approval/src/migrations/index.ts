import { Approvals1764400000000 } from './1764400000000-approvals';

// Migrations in the order they were written; each one is applied once and never edited after release.
export const migrations = [Approvals1764400000000];
