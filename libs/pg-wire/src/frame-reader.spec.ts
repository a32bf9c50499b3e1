import { FrameError } from './frame-error';
import { type Frame, FrameReader } from './frame-reader';
import { encodeQuery, encodeSync, encodeTerminate } from './frontend-encode';
import { POSTGRES_FRONTEND_LIMITS, STARTUP_FRAME_TYPE } from './protocol';
import { encodeSSLRequest, encodeStartupMessage } from './startup';

const typed = (type: string, body: Buffer | string = ''): Buffer => {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h = Buffer.alloc(5);
  h[0] = type.charCodeAt(0);
  h.writeInt32BE(4 + b.length, 1);
  return Buffer.concat([h, b]);
};
const header = (type: string, declared: number): Buffer => {
  const h = Buffer.alloc(5);
  h[0] = type.charCodeAt(0);
  h.writeInt32BE(declared | 0, 1);
  return h;
};
const all = (r: FrameReader): Frame[] => [...r];
const thrown = (fn: () => unknown): FrameError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FrameError) return e;
    throw e;
  }
  throw new Error('expected a FrameError');
};

describe('FrameReader', () => {
  it('returns many frames from one chunk as zero-copy views, with raw and body', () => {
    const chunk = Buffer.concat([encodeQuery('SELECT 1'), encodeSync(), typed('D', 'abc'), encodeTerminate()]);
    const r = new FrameReader();
    r.push(chunk);
    const frames = all(r);
    expect(frames.map((f) => String.fromCharCode(f.type))).toEqual(['Q', 'S', 'D', 'X']);
    expect(frames[0]!.body.toString()).toBe('SELECT 1\0');
    expect(frames[1]!.body.length).toBe(0);
    expect(frames[2]!.raw).toEqual(typed('D', 'abc'));
    for (const f of frames) expect(f.raw.buffer).toBe(chunk.buffer);
    expect(r.buffered).toBe(0);
    expect(r.read()).toBeNull();
  });

  it('assembles a frame split at every byte boundary, including inside the header', () => {
    const stream = Buffer.concat([typed('D', 'hello world'), typed('C', 'SELECT 1\0'), typed('Z', 'I')]);
    for (let i = 0; i <= stream.length; i++) {
      const r = new FrameReader();
      r.push(stream.subarray(0, i));
      const frames = all(r);
      r.push(stream.subarray(i));
      frames.push(...all(r));
      expect(Buffer.concat(frames.map((f) => f.raw))).toEqual(stream);
      expect(frames).toHaveLength(3);
    }
  });

  it('assembles a large frame from a trickle of single bytes in linear time', () => {
    const body = Buffer.alloc(50_000, 0x61);
    const frame = typed('d', body);
    const r = new FrameReader();
    const started = Date.now();
    let got: Frame | null = null;
    for (let i = 0; i < frame.length; i++) {
      r.push(frame.subarray(i, i + 1));
      got = r.read() ?? got;
    }
    expect(Date.now() - started).toBeLessThan(5000);
    expect(got!.raw).toEqual(frame);
  });

  it('reads the untyped startup frame first, then typed frames; expectStartup re-arms after SSLRequest', () => {
    const r = new FrameReader({ startup: true });
    r.push(Buffer.concat([encodeSSLRequest()]));
    const ssl = r.read()!;
    expect(ssl.type).toBe(STARTUP_FRAME_TYPE);
    expect(ssl.body.readInt32BE(0)).toBe(80877103);
    r.expectStartup();
    r.push(Buffer.concat([encodeStartupMessage({ user: 'u' }), encodeQuery('SELECT 1')]));
    const startup = r.read()!;
    expect(startup.type).toBe(STARTUP_FRAME_TYPE);
    expect(startup.raw).toEqual(encodeStartupMessage({ user: 'u' }));
    expect(String.fromCharCode(r.read()!.type)).toBe('Q');
  });

  it('reports bytes sent after SSLRequest before the answer (the broker must refuse them)', () => {
    const r = new FrameReader({ startup: true });
    r.push(Buffer.concat([encodeSSLRequest(), encodeStartupMessage({ user: 'injected' })]));
    r.read();
    expect(r.buffered).toBeGreaterThan(0);
  });

  it.each([
    ['startup length above the default 10000', { startup: true }, [0, 0, 0x27, 0x11], 'too_large'],
    ['startup length below 8', { startup: true }, [0, 0, 0, 7], 'bad_length'],
    ['startup length negative', { startup: true }, [0xff, 0xff, 0xff, 0xff], 'bad_length'],
    ['typed length below 4', {}, [0x51, 0, 0, 0, 3], 'bad_length'],
    ['typed length negative', {}, [0x51, 0x80, 0, 0, 0], 'bad_length'],
    ['typed length above maxFrameLength', { maxFrameLength: 100 }, [0x51, 0, 0, 0, 101], 'too_large'],
    ['type limit', { typeLimits: { S: 4 } }, [0x53, 0, 0, 0, 5], 'too_large'],
    ['Postgres limit for Sync', POSTGRES_FRONTEND_LIMITS, [0x53, 0, 0, 0x27, 0x11], 'too_large'],
    ['Postgres limit for unknown types', POSTGRES_FRONTEND_LIMITS, [0x7a, 0, 0, 0x27, 0x11], 'too_large'],
    ['Postgres limit for passwords', POSTGRES_FRONTEND_LIMITS, [0x70, 0, 1, 0, 0], 'too_large'],
  ])('rejects %s from the header alone, before any body arrives', (_name, options, bytes, code) => {
    const r = new FrameReader(options);
    r.push(Buffer.from(bytes));
    const err = thrown(() => r.read());
    expect(err.code).toBe(code);
    expect(err.sqlState).toBe('08P01');
  });

  it('accepts the largest allowed length and large Query under Postgres limits', () => {
    const r = new FrameReader({ ...POSTGRES_FRONTEND_LIMITS });
    r.push(encodeQuery('x'.repeat(50_000)));
    expect(r.read()!.body.length).toBe(50_001);
    const s = new FrameReader({ startup: true });
    const max = Buffer.alloc(10_000);
    max.writeInt32BE(10_000, 0);
    max.writeInt32BE(196608, 4);
    s.push(max);
    expect(s.read()!.raw.length).toBe(10_000);
  });

  it('stays failed: the same error on every later read, pushes ignored, memory released', () => {
    const r = new FrameReader({ maxFrameLength: 10 });
    r.push(Buffer.concat([typed('S'), header('Q', 1000), Buffer.alloc(100)]));
    expect(r.read()!.type).toBe(0x53);
    const first = thrown(() => r.read());
    r.push(typed('S'));
    expect(thrown(() => r.read())).toBe(first);
    expect(r.buffered).toBe(0);
  });

  it('never allocates a declared length: memory follows the bytes that actually arrived', () => {
    const r = new FrameReader(); // default limit: 1 GiB - 1
    const before = process.memoryUsage().arrayBuffers;
    r.push(header('d', 0x3fffffff));
    expect(r.read()).toBeNull();
    const chunk = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 32; i++) {
      r.push(chunk);
      expect(r.read()).toBeNull();
    }
    expect(r.buffered).toBe(5 + 32 * chunk.length);
    // 2 MiB received: the accumulator may hold up to twice that, never the declared gigabyte.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('holds a partial frame without copying while it sits in one chunk', () => {
    const frame = typed('D', Buffer.alloc(1000, 7));
    const first = frame.subarray(0, 600);
    const r = new FrameReader();
    r.push(first);
    expect(r.read()).toBeNull();
    expect(r.buffered).toBe(600);
    r.push(frame.subarray(600));
    expect(r.read()!.raw).toEqual(frame);
  });

  it('ignores empty pushes and rejects typeLimits keys that are not one byte', () => {
    const r = new FrameReader();
    r.push(Buffer.alloc(0));
    expect(r.read()).toBeNull();
    expect(() => new FrameReader({ typeLimits: { QQ: 1 } })).toThrow(RangeError);
  });
});
