import { createHash } from 'node:crypto';
import type { SqlStatementInfo } from './types';

/**
 * libpg_query's fingerprint ignores literals, and with them things that change the meaning:
 * DO and function bodies, SET ROLE's role, set_config's setting name, EXECUTE's statement name,
 * `WHERE 1 = 1` versus `WHERE 1 = 2`. Hashing it together with the classification keeps it
 * insensitive to formatting, comments and case while guaranteeing that two statements with the
 * same fingerprint are classified the same.
 */
export function combinedFingerprint(treeFingerprint: string, statements: readonly SqlStatementInfo[]): string {
  return createHash('sha256')
    .update(treeFingerprint)
    .update('\n')
    .update(JSON.stringify(statements))
    .digest('hex')
    .slice(0, 32);
}
