import { randomUUID } from 'node:crypto';

export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * An OAuth 2.0 error (RFC 6749 §5.2) in Entra's shape: AADSTS code in the
 * description and in error_codes, plus trace and correlation ids.
 */
export function oauthError(status: number, error: string, code: number, description: string): HttpReply {
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const reply: HttpReply = {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
  };
  // RFC 6749 §5.2: a 401 for client authentication names the scheme.
  if (status === 401) reply.headers = { ...reply.headers, 'www-authenticate': 'Basic realm="dev-idp"' };
  return reply;
}
