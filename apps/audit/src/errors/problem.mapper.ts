import type { AuditErrorCode } from './audit-error';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const problemType = (slug: string): string => `urn:portcullis:audit:${slug}`;

function assertUnreachable(x: never): never {
  throw new Error(`unmapped audit error code ${String(x)}`);
}

/** The one place an audit error becomes an HTTP status: a new code fails to compile until it is mapped. */
export function problemFor(code: AuditErrorCode, detail: string, instance?: string): Problem {
  const p = (status: number, title: string): Problem => ({ type: problemType(code), title, status, detail, instance });
  switch (code) {
    case 'unauthenticated':
      return p(401, 'Authentication required');
    case 'not_auditor':
      return p(403, 'Not an auditor');
    case 'identity_unavailable':
      return p(503, 'Identity service unavailable');
    case 'bad_request':
      return p(400, 'Bad request');
    case 'session_not_found':
      return p(404, 'Session not found');
    case 'recording_not_found':
      return p(404, 'Recording not found');
    default:
      return assertUnreachable(code);
  }
}

/** Errors that are not ours (framework 404s, body parser failures) keep their status, in the same shape. */
export function problemForStatus(status: number, detail: string, instance?: string): Problem {
  const title = status >= 500 ? 'Internal error' : 'Request refused';
  return { type: 'about:blank', title, status, detail, instance };
}
