// Re-chunking recorded real streams: however TCP slices them, the reader yields the same frames.
import fc from 'fast-check';
import { type Frame } from './frame-reader';
import { streamOf } from './test/recorder';
import { frameClient, frameServer, frameSession } from './test/sessions';
import { recordTraffic } from './test/traffic';

interface Stream {
  name: string;
  bytes: Buffer;
  /** Frames the stream into frames given a chunking of it. */
  frame(chunks: Buffer[]): Frame[];
  expected: Frame[];
}

let streams: Stream[];

beforeAll(async () => {
  const recordings = await recordTraffic();
  streams = recordings.flatMap((r, i) => {
    const skip = frameSession(r).negotiation.length;
    const client = streamOf(r.clientChunks);
    const server = streamOf(r.serverChunks).subarray(skip);
    const frameC = (chunks: Buffer[]) => frameClient(chunks);
    const frameS = (chunks: Buffer[]) => frameServer(chunks, 0);
    return [
      { name: `${r.label} #${i} client`, bytes: client, frame: frameC, expected: frameC([client]) },
      { name: `${r.label} #${i} server`, bytes: server, frame: frameS, expected: frameS([server]) },
    ];
  });
}, 60_000);

function expectSameFrames(got: Frame[], want: Frame[], context: string): void {
  if (got.length !== want.length) throw new Error(`${context}: ${got.length} frames, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (got[i]!.type !== want[i]!.type || !got[i]!.raw.equals(want[i]!.raw)) {
      throw new Error(`${context}: frame ${i} differs`);
    }
  }
}

const cut = (bytes: Buffer, points: number[]): Buffer[] => {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of sorted) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
};

describe('re-chunking recorded streams', () => {
  it('has streams to work on, including one frame larger than a TCP read', () => {
    expect(streams.length).toBeGreaterThanOrEqual(16);
    expect(streams.some((s) => s.expected.some((f) => f.raw.length > 200_000))).toBe(true);
  });

  it('split in two at every byte boundary (streams up to 64 kB; boundaries near every header of the big one)', () => {
    let splits = 0;
    for (const s of streams) {
      let points: number[];
      if (s.bytes.length <= 64 * 1024) {
        points = Array.from({ length: s.bytes.length + 1 }, (_, i) => i);
      } else {
        // Every boundary within 16 bytes of each frame start, plus the first and last 4 kB.
        const starts: number[] = [];
        let at = 0;
        for (const f of s.expected) {
          starts.push(at);
          at += f.raw.length;
        }
        const near = starts.flatMap((p) => Array.from({ length: 33 }, (_, k) => p - 16 + k));
        const edges = Array.from({ length: 4096 }, (_, i) => [i, s.bytes.length - i]).flat();
        points = [...new Set([...near, ...edges])].filter((p) => p >= 0 && p <= s.bytes.length);
      }
      for (const i of points) {
        expectSameFrames(s.frame([s.bytes.subarray(0, i), s.bytes.subarray(i)]), s.expected, `${s.name} split at ${i}`);
        splits++;
      }
    }
    expect(splits).toBeGreaterThan(10_000);
  });

  it('one byte at a time', () => {
    for (const s of streams) {
      const chunks = Array.from({ length: s.bytes.length }, (_, i) => s.bytes.subarray(i, i + 1));
      expectSameFrames(s.frame(chunks), s.expected, `${s.name} bytewise`);
    }
  });

  it('random chunk sizes (fast-check)', () => {
    for (const s of streams) {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: s.bytes.length }), { maxLength: 64 }), (points) => {
          expectSameFrames(s.frame(cut(s.bytes, points)), s.expected, s.name);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('chunks copied into fresh buffers give equal frames (no dependence on shared memory)', () => {
    for (const s of streams) {
      const chunks = cut(s.bytes, [7, 100, 1000, 5000]).map((c) => Buffer.from(c));
      expectSameFrames(s.frame(chunks), s.expected, `${s.name} copied`);
    }
  });
});
