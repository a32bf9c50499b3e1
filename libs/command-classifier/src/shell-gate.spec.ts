import { byteOffsets, mvdanStatementOffsets } from './shell-gate';

describe('mvdan/sh gate', () => {
  it('returns top-level statement offsets', async () => {
    expect(await mvdanStatementOffsets('a; b && c\n  d | e &\nf')).toEqual([0, 3, 12, 20]);
  });

  it('rejects what mvdan/sh rejects', async () => {
    await expect(mvdanStatementOffsets('echo "x')).rejects.toThrow(/shell syntax error/);
    await expect(mvdanStatementOffsets('a ;; b')).rejects.toThrow(/shell syntax error/);
  });

  it('converts UTF-16 indices to UTF-8 byte offsets', () => {
    expect(byteOffsets('ab', [0, 1])).toEqual([0, 1]);
    expect(byteOffsets('é; 中; x', [0, 3, 6])).toEqual([0, 4, 9]);
  });

  it('agrees with our parser on non-ASCII input', async () => {
    const { classifyShell } = await import('./shell-classify');
    const r = await classifyShell('echo é; echo 中文; echo 😀');
    expect(r.ok).toBe(true);
    expect(r.commands.map((c) => c.argv[1])).toEqual(['é', '中文', '😀']);
  });
});
