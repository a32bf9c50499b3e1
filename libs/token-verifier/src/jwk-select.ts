import type { JWK } from 'jose';
import type { AllowedAlgorithm } from './header-rules';

const MAX_KEYS = 100;
const MAX_KID_LENGTH = 1024;
const MIN_RSA_MODULUS_BYTES = 256; // 2048 bits (RFC 8725 §3.5 / NIST)

/**
 * Keeps the usable public signing keys of a JWKS document, reduced to their
 * public parameters: private members a misconfigured issuer might publish
 * are dropped, and certificates (`x5c`) are not needed since the key itself
 * is what we trust. Returns null when nothing usable remains, which callers
 * treat like a failed fetch (keep the last good set).
 */
export function parseJwks(body: unknown): JWK[] | null {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return null;
  const out: JWK[] = [];
  for (const raw of keys.slice(0, MAX_KEYS)) {
    const key = publicSigningKey(raw);
    if (key) out.push(key);
  }
  return out.length > 0 ? out : null;
}

function publicSigningKey(raw: unknown): JWK | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const k = raw as Record<string, unknown>;
  if (typeof k['kid'] !== 'string' || k['kid'] === '' || k['kid'].length > MAX_KID_LENGTH) return null;
  if (k['use'] !== undefined && k['use'] !== 'sig') return null;
  if (k['key_ops'] !== undefined && !(Array.isArray(k['key_ops']) && k['key_ops'].includes('verify'))) return null;
  const base: { kid: string; alg?: string } = { kid: k['kid'] };
  if (typeof k['alg'] === 'string') base.alg = k['alg'];
  if (k['kty'] === 'RSA' && typeof k['n'] === 'string' && typeof k['e'] === 'string') {
    return { ...base, kty: 'RSA', n: k['n'], e: k['e'] };
  }
  if (k['kty'] === 'EC' && typeof k['crv'] === 'string' && typeof k['x'] === 'string' && typeof k['y'] === 'string') {
    return { ...base, kty: 'EC', crv: k['crv'], x: k['x'], y: k['y'] };
  }
  return null;
}

/** kid → keys. A Map, so a kid is only ever an opaque lookup string (no `__proto__` games). */
export function indexByKid(keys: readonly JWK[]): Map<string, JWK[]> {
  const index = new Map<string, JWK[]>();
  for (const key of keys) {
    const kid = key.kid as string;
    const list = index.get(kid);
    if (list) list.push(key);
    else index.set(kid, [key]);
  }
  return index;
}

/** Whether a key may verify `alg`: its declared alg (if any) and its type must both fit. */
export function fitsAlgorithm(key: JWK, alg: AllowedAlgorithm): boolean {
  if (key.alg !== undefined && key.alg !== alg) return false;
  if (alg === 'ES256') return key.kty === 'EC' && key.crv === 'P-256';
  if (key.kty !== 'RSA' || typeof key.n !== 'string') return false;
  const modulus = Buffer.from(key.n, 'base64url');
  const significant = modulus[0] === 0 ? modulus.length - 1 : modulus.length;
  return significant >= MIN_RSA_MODULUS_BYTES;
}

/** The parameters jose needs to import a public key, and nothing else. */
export function importableJwk(key: JWK): JWK {
  return key.kty === 'RSA' ? { kty: 'RSA', n: key.n, e: key.e } : { kty: 'EC', crv: key.crv, x: key.x, y: key.y };
}
