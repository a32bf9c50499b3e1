/** Why the audit API refused a request. Each code maps to exactly one HTTP problem (problem.mapper.ts). */
export const auditErrorCodes = [
  'unauthenticated',
  'not_auditor',
  'identity_unavailable',
  'bad_request',
  'session_not_found',
  'recording_not_found',
] as const;
export type AuditErrorCode = (typeof auditErrorCodes)[number];

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'AuditError';
  }
}
