import { ScriptGuard } from './script-guard';

describe('ScriptGuard (shell input without a terminal)', () => {
  const run = async (chunks: string[]) => {
    const forwarded: string[] = [];
    const notices: string[] = [];
    const screened: string[] = [];
    const guard = new ScriptGuard(
      async (line) => {
        screened.push(line);
        return /rm -rf/.test(line) ? { blocked: true, message: 'denied by no-rm' } : { blocked: false };
      },
      (d) => forwarded.push(d.toString()),
      (m) => notices.push(m),
    );
    for (const c of chunks) guard.write(Buffer.from(c));
    let ended = false;
    await new Promise<void>((resolve) =>
      guard.end(() => {
        ended = true;
        resolve();
      }),
    );
    return { forwarded: forwarded.join(''), notices, screened, ended };
  };

  it('forwards allowed lines whole and drops blocked ones, in order', async () => {
    const r = await run(['echo one\nrm -r', 'f /\necho two\n']);
    expect(r.forwarded).toBe('echo one\necho two\n');
    expect(r.notices).toEqual(['portcullis: denied by no-rm']);
    expect(r.screened).toEqual(['echo one', 'rm -rf /', 'echo two']);
  });

  it('screens exactly the bytes the shell will read: control characters do not hide a line', async () => {
    const r = await run(['echo hi \u0003rm -rf /\n']);
    expect(r.forwarded).toBe('');
    expect(r.notices).toHaveLength(1);
  });

  it('screens the last unterminated line before passing on EOF', async () => {
    const r = await run(['echo a\n', 'rm -rf /']);
    expect(r.forwarded).toBe('echo a\n');
    expect(r.ended).toBe(true);
    expect(r.notices).toHaveLength(1);
  });

  it('refuses a line too long to screen', async () => {
    const r = await run(['echo ' + 'x'.repeat(70 * 1024)]);
    expect(r.forwarded).toBe('');
    expect(r.notices[0]).toContain('cannot be checked');
  });
});
