import type { RecordingChunk } from './recording-ledger';
import { RecordingLedger, recordingKey, sha256Hex } from './recording-ledger';

const term = (seq: number, texts: string[]): RecordingChunk => ({
  sessionId: 's',
  seq,
  kind: 'terminal',
  data: texts.map((t, i) => [seq + i / 10, 'o', t] as [number, 'o', string]),
});

describe('RecordingLedger', () => {
  it('keeps whole chunks under the cap and digests what it stored', () => {
    const l = new RecordingLedger(10_000, new Map());
    const d = l.apply(term(0, ['a', 'b']), '2025-01-01T00:00:00Z', 1);
    expect(d).toMatchObject({ items: 2, storedItems: 2 });
    expect(d.sha256).toBe(sha256Hex(l.rows()[0].data));
    expect(l.changed()[0]).toMatchObject({ chunks: 1, truncated: false });
  });

  it('cuts at the cap, keeps a contiguous prefix and drops every later chunk of the session', () => {
    const l = new RecordingLedger(60, new Map());
    const first = l.apply(term(0, ['x'.repeat(20), 'y'.repeat(20), 'z'.repeat(20)]), '2025-01-01T00:00:00Z', 1);
    expect(first.storedItems).toBe(1);
    const later = l.apply(term(1, ['w']), '2025-01-01T00:00:01Z', 2);
    expect(later.storedItems).toBe(0);
    expect(l.rows()).toHaveLength(1);
    const state = l.changed()[0];
    expect(state).toMatchObject({ truncated: true, chunks: 1 });
    expect(state.bytes).toBeLessThanOrEqual(60);
  });

  it('continues from the stored size of a session seen in an earlier batch', () => {
    const existing = new Map([
      [
        recordingKey('s', 'terminal'),
        {
          sessionId: 's',
          kind: 'terminal' as const,
          header: null,
          firstTime: '2025-01-01T00:00:00Z',
          bytes: 55,
          chunks: 3,
          truncated: false,
        },
      ],
    ]);
    const l = new RecordingLedger(60, existing);
    expect(l.apply(term(3, ['0123456789']), '2025-01-01T00:00:02Z', 9).storedItems).toBe(0);
    expect(l.changed()[0]).toMatchObject({ truncated: true, chunks: 3, bytes: 55 });
  });
});
