// Fuzzing: mutated recorded frames and random bytes only ever produce frames or FrameError.
import fc from 'fast-check';
import { decodeBackendMessage } from './backend-decode';
import { decodeErrorFields } from './errors';
import { FrameError } from './frame-error';
import { FrameReader, type FrameReaderOptions } from './frame-reader';
import { decodeFrontendMessage, decodeSaslInitialResponse } from './frontend';
import { POSTGRES_FRONTEND_LIMITS, STARTUP_FRAME_TYPE } from './protocol';
import { decodeDataRow, decodeRowDescription } from './rows';
import { ScramClient, ScramError } from './scram';
import { parseStartupFrame } from './startup';
import { frameSession } from './test/sessions';
import { recordTraffic } from './test/traffic';

interface Sample {
  side: 'client' | 'server';
  raw: Buffer;
}

let samples: Sample[];
let allocations: number[];
let allocSpy: jest.SpyInstance;

beforeAll(async () => {
  const sessions = (await recordTraffic()).map(frameSession);
  // One of each (side, type, length) keeps the corpus varied but small.
  const seen = new Map<string, Sample>();
  for (const s of sessions) {
    for (const f of s.client) seen.set(`c${f.type}:${f.raw.length}`, { side: 'client', raw: Buffer.from(f.raw) });
    for (const f of s.server) {
      if (f.raw.length < 100_000) seen.set(`s${f.type}:${f.raw.length}`, { side: 'server', raw: Buffer.from(f.raw) });
    }
  }
  samples = [...seen.values()];
}, 60_000);

beforeEach(() => {
  allocations = [];
  const real = Buffer.allocUnsafe.bind(Buffer);
  allocSpy = jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
    allocations.push(size);
    return real(size);
  });
});

afterEach(() => allocSpy.mockRestore());

/** Runs fn; anything thrown other than FrameError fails the property. */
function onlyFrameErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
  }
}

/** Decodes a frame the way the broker would, by side and type. */
function decodeAny(side: 'client' | 'server', type: number, body: Buffer): void {
  if (type === STARTUP_FRAME_TYPE) parseStartupFrame(body);
  else if (side === 'client') decodeFrontendMessage(type, body);
  else decodeBackendMessage(type, body);
}

/** Every frame a reader yields from `bytes` (in `chunks` pieces) is decoded; returns the count. */
function readAndDecode(side: 'client' | 'server', bytes: Buffer, chunkSize: number, options: FrameReaderOptions) {
  const reader = new FrameReader(options);
  let frames = 0;
  onlyFrameErrors(() => {
    for (let at = 0; at < bytes.length; at += chunkSize) {
      reader.push(bytes.subarray(at, at + chunkSize));
      for (const f of reader) {
        frames++;
        onlyFrameErrors(() => decodeAny(side, f.type, f.body));
      }
    }
  });
  return frames;
}

const int32 = fc.oneof(
  fc.constantFrom(0, -1, 1, 3, 4, 5, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000, 0x3fffffff, 0x40000000),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
);

/** A mutation of a frame: flipped bits, overwritten bytes or counts, truncation, extension, new length. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('int16' as const), at: fc.nat(), value: int32 }),
  fc.record({ kind: fc.constant('int32' as const), at: fc.nat(), value: int32 }),
  fc.record({ kind: fc.constant('length' as const), value: int32 }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(raw: Buffer, m: Mutation): Buffer {
  const out = Buffer.from(raw);
  const at = 'at' in m ? m.at % Math.max(1, out.length) : 0;
  switch (m.kind) {
    case 'flip':
      if (out.length > 0) out[at] = out[at]! ^ (1 << m.bit);
      return out;
    case 'byte':
      if (out.length > 0) out[at] = m.value;
      return out;
    case 'int16':
      if (at + 2 <= out.length) out.writeUInt16BE(m.value & 0xffff, at);
      return out;
    case 'int32':
      if (at + 4 <= out.length) out.writeInt32BE(m.value | 0, at);
      return out;
    case 'length':
      if (out.length >= 5) out.writeInt32BE(m.value | 0, out[0] === 0 ? 0 : 1);
      return out;
    case 'truncate':
      return out.subarray(0, at);
    case 'append':
      return Buffer.concat([out, m.bytes]);
  }
}

describe('fuzzing', () => {
  it('mutated recorded frames: decoders return or throw FrameError, nothing else', () => {
    expect(samples.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, ms) => {
        const s = samples[pick % samples.length]!;
        const startup = s.side === 'client' && s.raw[0] === 0;
        const raw = ms.reduce(mutate, s.raw);
        const type = startup ? STARTUP_FRAME_TYPE : (raw[0] ?? 0);
        onlyFrameErrors(() => decodeAny(s.side, type, raw.subarray(startup ? 4 : 5)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('mutated recorded streams through the reader, in random chunk sizes, then decoded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.array(mutation, { maxLength: 2 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        (picks, chunkSize, postgresLimits) => {
          const bytes = Buffer.concat(picks.map(([p, ms]) => ms.reduce(mutate, samples[p % samples.length]!.raw)));
          const options = postgresLimits ? POSTGRES_FRONTEND_LIMITS : { maxFrameLength: 1 << 20 };
          readAndDecode('client', bytes, chunkSize, options);
          readAndDecode('server', bytes, chunkSize, options);
          readAndDecode('client', bytes, chunkSize, { ...options, startup: true });
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random bytes as any message type of either side', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 255 }), fc.uint8Array({ maxLength: 64 }), (type, bytes) => {
        const body = Buffer.from(bytes);
        onlyFrameErrors(() => decodeAny('client', type, body));
        onlyFrameErrors(() => decodeAny('server', type, body));
        onlyFrameErrors(() => decodeDataRow(body));
        onlyFrameErrors(() => decodeRowDescription(body));
        onlyFrameErrors(() => decodeErrorFields(body));
        onlyFrameErrors(() => decodeSaslInitialResponse(body));
      }),
      { numRuns: 20_000 },
    );
  });

  it('random byte streams through the reader in both modes never hang or throw anything else', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        (bytes, size, startup) => {
          readAndDecode('client', Buffer.from(bytes), size, { startup });
          readAndDecode('server', Buffer.from(bytes), size, { startup, maxFrameLength: 256 });
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('huge declared lengths never turn into huge allocations', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0x51, 0x64, 0x44, 0x70),
        int32,
        fc.uint8Array({ maxLength: 300 }),
        (type, declared, rest) => {
          const header = Buffer.alloc(5);
          header[0] = type;
          header.writeInt32BE(declared | 0, 1);
          readAndDecode('client', Buffer.concat([header, rest]), 7, {});
          readAndDecode('client', Buffer.concat([Buffer.from([0, 0x10, 0, 0]), rest]), 3, { startup: true });
        },
      ),
      { numRuns: 3000 },
    );
    // Whatever the declared length, what gets allocated is bounded by the bytes that arrived (≤ 305).
    expect(allocations.length).toBeGreaterThan(0);
    expect(Math.max(...allocations)).toBeLessThanOrEqual(1024);
  });

  it('SCRAM: garbage from a server is a ScramError, never another exception', () => {
    const valid = 'r=abcSERVER,s=QSXCR+Q6sek8bf92,i=4096';
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.constant(valid)),
        fc.string({ maxLength: 80 }),
        (first, final) => {
          const c = new ScramClient('pw', { nonce: 'abc', maxIterations: 5000 });
          c.clientFirstMessage();
          try {
            c.handleServerFirst(first);
            c.verifyServerFinal(final);
          } catch (e) {
            if (!(e instanceof ScramError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
