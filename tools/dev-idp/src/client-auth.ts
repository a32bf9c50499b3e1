import { createHash, timingSafeEqual } from 'node:crypto';

export interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
  /** Both Basic and body credentials were sent (RFC 6749 §2.3: only one method). */
  conflicting: boolean;
  /** An Authorization header was present but not parseable Basic credentials. */
  badHeader: boolean;
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Client authentication: client_secret_basic (credentials form-encoded, then
 * base64, RFC 6749 §2.3.1) or client_secret_post (in the body).
 */
export function readClientCredentials(authorization: string | undefined, form: URLSearchParams): ClientCredentials {
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (authorization === undefined) {
    return { clientId: bodyId, clientSecret: bodySecret, conflicting: false, badHeader: false };
  }
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
  const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) return { clientId: bodyId, clientSecret: null, conflicting: false, badHeader: true };
  let id: string;
  let secret: string;
  try {
    id = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    return { clientId: bodyId, clientSecret: null, conflicting: false, badHeader: true };
  }
  const conflicting = bodySecret !== null || (bodyId !== null && bodyId !== id);
  return { clientId: id, clientSecret: secret, conflicting, badHeader: false };
}

/** Constant-time comparison (hashing first equalises lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
