import { TerminalRecorder } from './terminal-recorder';

type Chunk = Parameters<ConstructorParameters<typeof TerminalRecorder>[2]>[0];

describe('TerminalRecorder', () => {
  it('sends the header with chunk 0 even when nothing was printed', () => {
    const chunks: Chunk[] = [];
    const r = new TerminalRecorder('s1', { width: 80, height: 24, command: 'ls' }, (c) => chunks.push(c));
    r.close();
    r.output('after close');
    r.close();
    expect(chunks).toEqual([
      { sessionId: 's1', seq: 0, kind: 'terminal', header: { width: 80, height: 24, command: 'ls' }, data: [] },
    ]);
  });

  it('numbers chunks, keeps event order and splits large output under the chunk cap', () => {
    const chunks: Chunk[] = [];
    const r = new TerminalRecorder('s2', { width: 80, height: 24 }, (c) => chunks.push(c));
    r.input('cat big\r');
    r.output('x'.repeat(200_000));
    r.resize(100, 30);
    r.close();
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks[0].header).toBeDefined();
    expect(chunks.slice(1).every((c) => c.header === undefined)).toBe(true);
    const events = chunks.flatMap((c) => c.data);
    expect(events[0].slice(1)).toEqual(['i', 'cat big\r']);
    expect(
      events
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join(''),
    ).toBe('x'.repeat(200_000));
    expect(events[events.length - 1].slice(1)).toEqual(['r', '100x30']);
    for (const c of chunks) expect(JSON.stringify(c.data).length).toBeLessThanOrEqual(256 * 1024);
    const times = events.map((e) => e[0]);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
