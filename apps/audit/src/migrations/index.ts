// Migrations in the order they were written; each one is applied once and never edited after release.
export const migrations = [];
