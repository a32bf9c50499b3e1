import { sign as rsaSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK, KeyLike } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

/**
 * The issuer's RSA signing keys. The newest key signs; older keys stay
 * published until retired, which is how Entra rolls keys: relying parties
 * that cached the old set keep verifying, and ones that see the new kid
 * refresh and find it.
 */
export class KeyRing {
  private keys: SigningKey[] = [];

  static async create(): Promise<KeyRing> {
    const ring = new KeyRing();
    await ring.rotate();
    return ring;
  }

  /** Adds a new key and signs with it from now on. Returns its kid. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(publicKey);
    // Entra's kids are certificate thumbprints; a JWK thumbprint is the keyless equivalent.
    const kid = await calculateJwkThumbprint(jwk);
    this.keys.push({ kid, privateKey, publicJwk: { kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e } });
    return kid;
  }

  /** Stops publishing every key but the active one. */
  retireOld(): void {
    this.keys = this.keys.slice(-1);
  }

  activeKid(): string {
    return this.active().kid;
  }

  publishedKids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  /** JWKS document; like Entra's, each key names the issuer it signs for. */
  jwks(issuer: string): { keys: JWK[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk, issuer }) as JWK) };
  }

  /**
   * RS256-signs a payload with the active key. Extra header members are
   * merged in verbatim (undefined removes one): signing is done with node's
   * crypto rather than jose so tests can craft headers jose would refuse to
   * produce (unknown `crit`, missing `kid`, ...).
   */
  async sign(payload: object, extraHeader: Record<string, unknown> = {}): Promise<string> {
    const key = this.active();
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...extraHeader };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = rsaSign('sha256', Buffer.from(input), key.privateKey as KeyObject);
    return `${input}.${signature.toString('base64url')}`;
  }

  private active(): SigningKey {
    const key = this.keys[this.keys.length - 1];
    if (!key) throw new Error('dev-idp: no signing key');
    return key;
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
