import { AuditStore1764400000000 } from './1764400000000-audit-store';

// Migrations in the order they were written; each one is applied once and never edited after release.
export const migrations = [AuditStore1764400000000];
