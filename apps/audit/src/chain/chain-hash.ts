import { createHmac, hash } from 'node:crypto';

/** The predecessor of the first row of a chain (global or per session). */
export const GENESIS_HASH = Buffer.alloc(32);

const NO_SESSION = Buffer.from([0]);
const SESSION_LINK = Buffer.from([1]);

export interface ChainLink {
  seq: string;
  prevHash: Buffer;
  /** The hash of the previous event of the same session, GENESIS_HASH for its first one, null outside sessions. */
  sessionPrevHash: Buffer | null;
  body: string;
}

/**
 * sha256 (or HMAC-SHA256 with the chain key) over the link's position, both predecessors and the
 * canonical body:
 *
 *   "portcullis-audit-v1\n" seq "\n" prevHash(32) (0x00 | 0x01 sessionPrevHash(32)) "\n" len(body) "\n" body
 *
 * The position is hashed so a row cannot be moved; the session predecessor is hashed so the per-session
 * chain cannot be re-pointed around a deleted event without breaking this hash. Every field is fixed
 * size or length-framed, so no two different links serialise to the same bytes.
 */
export function chainHash(link: ChainLink, key: Buffer | null): Buffer {
  const body = Buffer.from(link.body, 'utf8');
  const parts = [Buffer.from(`portcullis-audit-v1\n${link.seq}\n`), link.prevHash];
  if (link.sessionPrevHash) parts.push(SESSION_LINK, link.sessionPrevHash);
  else parts.push(NO_SESSION);
  parts.push(Buffer.from(`\n${body.length}\n`), body);
  const framed = Buffer.concat(parts);
  return key ? createHmac('sha256', key).update(framed).digest() : hash('sha256', framed, 'buffer');
}
