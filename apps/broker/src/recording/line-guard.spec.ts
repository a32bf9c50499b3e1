import { LineGuard } from './line-guard';

/** A guard whose policy blocks any line running rm, with everything forwarded and said collected. */
function guard(screenDelayMs = 0): { g: LineGuard; sent: () => string; said: string[]; screened: string[] } {
  const out: Buffer[] = [];
  const said: string[] = [];
  const screened: string[] = [];
  const g = new LineGuard(
    async (line) => {
      screened.push(line);
      await new Promise((r) => setTimeout(r, screenDelayMs));
      return /\brm\b/.test(line) ? { blocked: true, message: 'denied by no-rm' } : { blocked: false };
    },
    (d) => out.push(Buffer.from(d)),
    (m) => said.push(m),
  );
  return { g, sent: () => Buffer.concat(out).toString('latin1'), said, screened };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('LineGuard', () => {
  it('passes keystrokes through and releases Enter after an allowed line', async () => {
    const { g, sent, screened } = guard();
    g.write(Buffer.from('ls -l'));
    expect(sent()).toBe('ls -l');
    g.write(Buffer.from('\r'));
    await settle();
    expect(sent()).toBe('ls -l\r');
    expect(screened).toEqual(['ls -l']);
  });

  it('cancels a blocked line with Ctrl-C and tells the user why', async () => {
    const { g, sent, said } = guard();
    g.write(Buffer.from('rm -rf /tmp/x\r'));
    await settle();
    expect(sent()).toBe('rm -rf /tmp/x\x03');
    expect(said).toEqual(['portcullis: denied by no-rm']);
  });

  it('screens the line as edited by backspace, not as typed', async () => {
    const { g, sent, screened } = guard();
    g.write(Buffer.from('lx\x7fs\r'));
    await settle();
    expect(screened).toEqual(['ls']);
    expect(sent()).toBe('lx\x7fs\r');
  });

  it('holds everything after a pending Enter until the line is screened, in order', async () => {
    const { g, sent } = guard(15);
    g.write(Buffer.from('echo a\rrm -rf /\recho b\r'));
    await new Promise((r) => setTimeout(r, 100));
    expect(sent()).toBe('echo a\rrm -rf /\x03echo b\r');
  });

  it('refuses lines it cannot reconstruct: history, cursor keys, Tab, a trailing backslash', async () => {
    for (const typed of ['\x1b[A\r', 'r\x1b[Dm -rf /\r', 'rm\t -rf /\r', 'r\\\r']) {
      const { g, sent, said, screened } = guard();
      g.write(Buffer.from(typed));
      await settle();
      expect(sent().endsWith('\x03')).toBe(true);
      expect(said[0]).toMatch(/cannot follow/);
      expect(screened).toEqual([]);
    }
  });

  it('a Ctrl-C clears what it could not follow', async () => {
    const { g, sent, screened } = guard();
    g.write(Buffer.from('\x1b[A\x03ls\r'));
    await settle();
    expect(screened).toEqual(['ls']);
    expect(sent().endsWith('ls\r')).toBe(true);
  });

  it('blocks when the screen itself fails (fail closed)', async () => {
    const out: Buffer[] = [];
    const g = new LineGuard(
      () => Promise.reject(new Error('policy down')),
      (d) => out.push(Buffer.from(d)),
      () => undefined,
    );
    g.write(Buffer.from('ls\r'));
    await settle();
    expect(Buffer.concat(out).toString()).toBe('ls\x03');
  });

  it('keeps a multi-byte character whole when it is erased', async () => {
    const { g, screened } = guard();
    g.write(Buffer.from('echo é\x7fe\r'));
    await settle();
    expect(screened).toEqual(['echo e']);
  });
});
