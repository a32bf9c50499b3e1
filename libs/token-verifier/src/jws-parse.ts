import { reject } from './reasons';
import type { Rejection } from './reasons';
import type { Claims } from './types';

export const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;

export interface ParsedJws {
  header: Record<string, unknown>;
  /** Unverified: only good for picking a provider until the signature checks out. */
  payload: Claims;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * Structural parse of a compact JWS. The size check comes first and works on
 * the raw string, so an oversized token costs nothing to refuse. The signature
 * segment may be empty here only so that `alg: none` is reported as such by
 * the header rules rather than as a generic structural error.
 */
export function parseCompactJws(token: unknown, maxBytes: number): { ok: true; jws: ParsedJws } | Rejection {
  if (typeof token !== 'string' || token.length === 0) return reject('malformed', 'token must be a non-empty string');
  // A string's UTF-16 length never exceeds its UTF-8 byte length, and the
  // charset check below admits only ASCII, so this bound is exact.
  if (token.length > maxBytes) return reject('too_large', `token exceeds ${maxBytes} bytes`);
  const parts = token.split('.');
  if (parts.length !== 3) return reject('malformed', `expected 3 dot-separated parts, got ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  if (!SEGMENT.test(h) || !SEGMENT.test(p) || !SEGMENT.test(s)) {
    return reject('malformed', 'token parts must be base64url without padding');
  }
  const header = decodeJsonSegment(h);
  if (header === null) return reject('malformed', 'header is not a base64url JSON object');
  const payload = decodeJsonSegment(p);
  if (payload === null) return reject('malformed', 'payload is not a base64url JSON object');
  return { ok: true, jws: { header, payload } };
}

/** Strict base64url (canonical encoding only) of a JSON object, else null. */
function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  if (segment.length === 0 || segment.length % 4 === 1) return null;
  const bytes = Buffer.from(segment, 'base64url');
  // Non-canonical encodings (stray trailing bits) decode "successfully" in
  // Node; refusing them keeps one token = one byte string.
  if (bytes.toString('base64url') !== segment) return null;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}
