import { createHash } from 'node:crypto';
import { chainHash, GENESIS_HASH, type ChainLink } from './chain-hash';

const link: ChainLink = { seq: '7', prevHash: Buffer.alloc(32, 1), sessionPrevHash: GENESIS_HASH, body: '{"a":1}' };

describe('chainHash', () => {
  it('is sha256 over the framed link, as docs/audit.md specifies it', () => {
    const framed = Buffer.concat([
      Buffer.from('portcullis-audit-v1\n7\n'),
      Buffer.alloc(32, 1),
      Buffer.from([1]),
      GENESIS_HASH,
      Buffer.from('\n7\n{"a":1}'),
    ]);
    expect(chainHash(link, null)).toEqual(createHash('sha256').update(framed).digest());
  });

  it('changes when any part of the link changes', () => {
    const base = chainHash(link, null).toString('hex');
    const variants: ChainLink[] = [
      { ...link, seq: '8' },
      { ...link, prevHash: Buffer.alloc(32, 2) },
      { ...link, sessionPrevHash: null },
      { ...link, sessionPrevHash: Buffer.alloc(32, 3) },
      { ...link, body: '{"a":2}' },
    ];
    const hashes = variants.map((v) => chainHash(v, null).toString('hex'));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });

  it('depends on the key when there is one', () => {
    const a = chainHash(link, Buffer.from('k1'));
    expect(a).not.toEqual(chainHash(link, null));
    expect(a).not.toEqual(chainHash(link, Buffer.from('k2')));
    expect(a).toEqual(chainHash(link, Buffer.from('k1')));
  });
});
