import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { Claims } from './types';

function numericDate(claims: Claims, name: string): number | undefined | null {
  const v = claims[name];
  if (v === undefined) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * exp / nbf / iat with the provider's skew. `exp` is required: an access
 * token that never expires defeats the point of short-lived credentials.
 */
export function checkTimes(claims: Claims, nowSeconds: number, skewSeconds: number): Rejection | null {
  const exp = numericDate(claims, 'exp');
  if (exp === undefined || exp === null) return reject('malformed', 'exp claim missing or not a number');
  const nbf = numericDate(claims, 'nbf');
  const iat = numericDate(claims, 'iat');
  if (nbf === null) return reject('malformed', 'nbf claim is not a number');
  if (iat === null) return reject('malformed', 'iat claim is not a number');
  if (nowSeconds - skewSeconds >= exp) return reject('expired', 'token has expired');
  if (nbf !== undefined && nbf > nowSeconds + skewSeconds)
    return reject('not_yet_valid', 'token is not valid yet (nbf)');
  if (iat !== undefined && iat > nowSeconds + skewSeconds) {
    return reject('issued_in_future', 'token was issued in the future (iat)');
  }
  return null;
}

/**
 * Claims only ID tokens carry. An ID token proves a sign-in to a client; it
 * grants nothing at an API, so it is refused even when its audience happens
 * to match (an app whose client id is also its API id).
 */
const ID_TOKEN_ONLY_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

export function checkNotIdToken(claims: Claims): Rejection | null {
  for (const name of ID_TOKEN_ONLY_CLAIMS) {
    if (name in claims) return reject('not_access_token', `'${name}' claim marks an ID token, not an access token`);
  }
  return null;
}

/** `aud` may be a string or a list (RFC 7519 §4.1.3); one configured audience must appear. */
export function checkAudience(claims: Claims, audiences: ReadonlySet<string>): Rejection | null {
  const aud = claims['aud'];
  const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (list.some((a) => typeof a === 'string' && audiences.has(a))) return null;
  return reject('wrong_audience', 'token audience is not this API');
}

/** A list-of-strings claim; absent → []. Anything else is malformed, never silently dropped. */
export function stringList(claims: Claims, name: string): string[] | null {
  const v = claims[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return null;
  return v as string[];
}

export function optionalString(claims: Claims, name: string): string | null {
  const v = claims[name];
  return typeof v === 'string' && v !== '' ? v : null;
}
