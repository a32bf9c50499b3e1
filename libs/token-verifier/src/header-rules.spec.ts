import { checkHeader } from './header-rules';
import { parseCompactJws } from './jws-parse';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('parseCompactJws', () => {
  it('checks size on the raw string before anything else', () => {
    expect(parseCompactJws('x'.repeat(101), 100)).toMatchObject({ reason: 'too_large' });
    expect(parseCompactJws('x'.repeat(100), 100)).toMatchObject({ reason: 'malformed' });
  });

  it('requires exactly three base64url parts of JSON objects', () => {
    expect(parseCompactJws(`${b64({ alg: 'RS256' })}.${b64({})}.sig`, 1000)).toMatchObject({ ok: true });
    for (const bad of [
      `${b64({})}.${b64({})}`,
      `${b64({})}.${b64({})}.a.b`,
      `${b64({})}=.${b64({})}.a`,
      `${b64({})}.${b64({})}.a+b`,
      `${b64('[]')}.${b64({})}.a`,
      `${b64('null')}.${b64({})}.a`,
      `${b64('{')}.${b64({})}.a`,
      `.${b64({})}.a`,
    ]) {
      expect(parseCompactJws(bad, 1000)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses non-canonical base64url (unused trailing bits set)', () => {
    const header = b64({ alg: 'RS256', kid: 'k' }); // 25 bytes: the last char carries 4 unused bits
    expect(header.length % 4).toBe(2);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(header.at(-1) as string) + 1] as string;
    const forged = `${header.slice(0, -1)}${sibling}`;
    // Node decodes both to the same bytes; only the canonical one is accepted.
    expect(Buffer.from(forged, 'base64url').equals(Buffer.from(header, 'base64url'))).toBe(true);
    expect(parseCompactJws(`${forged}.${b64({})}.a`, 1000)).toMatchObject({ reason: 'malformed' });
    expect(parseCompactJws(`${header}.${b64({})}.a`, 1000)).toMatchObject({ ok: true });
  });
});

describe('checkHeader', () => {
  it('allows RS256, PS256 and ES256 only', () => {
    for (const alg of ['RS256', 'PS256', 'ES256'])
      expect(checkHeader({ alg, kid: 'k' })).toMatchObject({ ok: true, alg, kid: 'k' });
    for (const alg of [
      'none',
      'None',
      'HS256',
      'HS384',
      'HS512',
      'RS384',
      'RS512',
      'ES384',
      'EdDSA',
      'rs256',
      'RS256 ',
    ]) {
      expect(checkHeader({ alg, kid: 'k' })).toMatchObject({ reason: 'alg_not_allowed' });
    }
    expect(checkHeader({ kid: 'k' })).toMatchObject({ reason: 'malformed' });
    expect(checkHeader({ alg: ['RS256'], kid: 'k' })).toMatchObject({ reason: 'malformed' });
  });

  it('refuses crit, b64 and zip', () => {
    expect(checkHeader({ alg: 'RS256', kid: 'k', crit: ['exp'] })).toMatchObject({ reason: 'unsupported_header' });
    expect(checkHeader({ alg: 'RS256', kid: 'k', crit: [] })).toMatchObject({ reason: 'unsupported_header' });
    expect(checkHeader({ alg: 'RS256', kid: 'k', b64: false })).toMatchObject({ reason: 'unsupported_header' });
    expect(checkHeader({ alg: 'RS256', kid: 'k', zip: 'DEF' })).toMatchObject({ reason: 'unsupported_header' });
  });

  it('accepts access-token typ values and refuses others', () => {
    for (const typ of ['JWT', 'jwt', 'at+jwt', 'application/at+jwt', 'AT+JWT']) {
      expect(checkHeader({ alg: 'RS256', kid: 'k', typ })).toMatchObject({ ok: true });
    }
    for (const typ of ['id_token+jwt', 'logout+jwt', 'dpop+jwt', 'JOSE', 'secevent+jwt']) {
      expect(checkHeader({ alg: 'RS256', kid: 'k', typ })).toMatchObject({ reason: 'not_access_token' });
    }
  });

  it('requires a string kid and ignores key-carrying headers', () => {
    expect(checkHeader({ alg: 'RS256' })).toMatchObject({ reason: 'malformed' });
    expect(checkHeader({ alg: 'RS256', kid: 7 })).toMatchObject({ reason: 'malformed' });
    expect(checkHeader({ alg: 'RS256', kid: '' })).toMatchObject({ reason: 'malformed' });
    const withKeys = { alg: 'RS256', kid: 'k', jku: 'https://x', x5u: 'https://y', jwk: { kty: 'RSA' }, x5c: ['MII'] };
    expect(checkHeader(withKeys)).toEqual({ ok: true, alg: 'RS256', kid: 'k' });
  });

  it('keeps attacker-chosen text in details short and printable', () => {
    const result = checkHeader({ alg: `X\n${'A'.repeat(500)}`, kid: 'k' });
    expect(result).toMatchObject({ reason: 'alg_not_allowed' });
    const detail = (result as { detail: string }).detail;
    expect(detail).not.toContain('\n');
    expect(detail.length).toBeLessThan(80);
  });
});
