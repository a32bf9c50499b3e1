import { assemble, checkChunks, type AssemblyInput } from './recording-assembly';
import { sha256Hex, type RecordingDigest } from './recording-ledger';

const chunk = (seq: number, data: unknown[]) => ({ seq, data: JSON.stringify(data) });
const digest = (seq: number, data: string, stored = 1): RecordingDigest => ({
  sessionId: 's',
  kind: 'terminal',
  seq,
  items: 1,
  bytes: data.length,
  storedItems: stored,
  sha256: sha256Hex(data),
});

describe('recording assembly', () => {
  const c0 = chunk(0, [[0.1, 'o', 'hi\r\n']]);
  const c1 = chunk(1, [[0.5, 'o', 'bye\r\n']]);
  const input: AssemblyInput = {
    sessionId: 's',
    kind: 'terminal',
    header: JSON.stringify({ width: 100, height: 30 }),
    truncated: false,
    maxBytes: 1000,
    chunks: [c0, c1],
    digests: [digest(1, c1.data), digest(0, c0.data)],
  };

  it('writes asciicast v2: a header line then one event per line', () => {
    const out = assemble(input);
    expect(out).toMatchObject({ contentType: 'application/x-asciicast', verified: true, truncated: false });
    expect(
      out.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ version: 2, width: 100, height: 30 }, [0.1, 'o', 'hi\r\n'], [0.5, 'o', 'bye\r\n']]);
  });

  it('marks a truncated recording with an asciicast marker', () => {
    const lines = assemble({ ...input, truncated: true })
      .body.trimEnd()
      .split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual([0.5, 'm', 'portcullis: recording truncated at 1000 bytes']);
  });

  it('finds chunks edited, deleted or added after ingest', () => {
    expect(checkChunks([c0, c1], input.digests)).toEqual([]);
    expect(checkChunks([c0, { ...c1, data: c1.data.replace('bye', 'BYE') }], input.digests)).toEqual([
      'chunk 1 does not match its chained digest',
    ]);
    expect(checkChunks([c0], input.digests)).toEqual(['chunk 1 is in the chain but missing from the store']);
    expect(checkChunks([c0, c1, chunk(2, [])], input.digests)).toEqual(['chunk 2 is stored but not in the chain']);
  });

  it('writes a SQL transcript document', () => {
    const entry = { time: '2025-01-01T00:00:00Z', statement: 'SELECT 1', decision: 'allow' };
    const sql = chunk(0, [entry]);
    const out = assemble({
      ...input,
      kind: 'sql',
      header: null,
      chunks: [sql],
      digests: [{ ...digest(0, sql.data), kind: 'sql' }],
    });
    expect(out.contentType).toBe('application/json');
    expect(JSON.parse(out.body)).toEqual({
      sessionId: 's',
      kind: 'sql',
      truncated: false,
      verified: true,
      problems: [],
      entries: [entry],
    });
  });
});
