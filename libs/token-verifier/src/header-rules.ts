import { printable, reject } from './reasons';
import type { Rejection } from './reasons';

/**
 * Asymmetric algorithms only (RFC 8725 §3.1): `none` and every HMAC alg are
 * refused before a key is even looked up, which is what defeats the classic
 * "HS256 signed with the RSA public key" confusion.
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

/** `typ` values an access token may carry (RFC 9068 §2.1, and Entra's plain "JWT"). */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt']);

const MAX_KID_LENGTH = 1024;

export interface CheckedHeader {
  ok: true;
  alg: AllowedAlgorithm;
  /** Opaque: only ever used as a Map key against the configured JWKS. */
  kid: string;
}

/**
 * Header rules, applied before any key lookup. Deliberately absent:
 * `jku`, `x5u`, `jwk` and `x5c` are never read — keys come only from the
 * configured JWKS, so a token cannot nominate its own key (RFC 8725 §3.10).
 */
export function checkHeader(header: Record<string, unknown>): CheckedHeader | Rejection {
  const alg = header['alg'];
  if (typeof alg !== 'string') return reject('malformed', 'header has no alg');
  if (!(ALLOWED_ALGORITHMS as readonly string[]).includes(alg)) {
    return reject('alg_not_allowed', `alg '${printable(alg, 16)}' is not allowed`);
  }
  if ('crit' in header) {
    // We understand no extension, so any critical one must be refused (RFC 7515 §4.1.11).
    return reject('unsupported_header', `critical header extension not supported: ${printable(header['crit'])}`);
  }
  if ('b64' in header || 'zip' in header) {
    return reject('unsupported_header', 'unencoded payloads and compression are not supported');
  }
  const typ = header['typ'];
  if (typ !== undefined) {
    if (typeof typ !== 'string') return reject('malformed', 'typ must be a string');
    const normalized = typ.toLowerCase().replace(/^application\//, '');
    if (!ACCESS_TOKEN_TYPES.has(normalized)) {
      return reject('not_access_token', `typ '${printable(typ, 24)}' is not an access token type`);
    }
  }
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid.length === 0) return reject('malformed', 'header has no kid');
  if (kid.length > MAX_KID_LENGTH) return reject('unknown_key', 'kid not found in the issuer key set');
  return { ok: true, alg: alg as AllowedAlgorithm, kid };
}
