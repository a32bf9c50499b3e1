import { FrameError } from './frame-error';
import { MAX_STARTUP_PACKET_LENGTH, PQ_LARGE_MESSAGE_LIMIT, STARTUP_FRAME_TYPE } from './protocol';

/**
 * One complete frame. `raw` is the exact bytes received (type byte, length word, body) so the broker
 * can forward a frame unchanged; it is a view into the pushed chunk whenever the frame arrived in one
 * piece, so it keeps that chunk alive: copy it (Buffer.from(raw)) before holding it for long.
 */
export class Frame {
  constructor(
    /** Char code of the type byte, or STARTUP_FRAME_TYPE (-1) for an untyped startup-phase frame. */
    readonly type: number,
    readonly raw: Buffer,
  ) {}

  /** The body without header; computed on access because a forwarded frame never needs it. */
  get body(): Buffer {
    return this.raw.subarray(this.type === STARTUP_FRAME_TYPE ? 4 : 5);
  }
}

export interface FrameReaderOptions {
  /** Begin in startup mode: the first frame is untyped (the server side of a client connection). */
  readonly startup?: boolean;
  /** Limit on a startup-phase frame's declared length (default 10000, as Postgres). */
  readonly maxStartupLength?: number;
  /** Limit on a typed frame's declared length, which counts the length word (default 1 GiB - 1). */
  readonly maxFrameLength?: number;
  /** Per-type overrides keyed by the type character, e.g. { Q: 1 << 20, S: 4 }. */
  readonly typeLimits?: Readonly<Record<string, number>>;
}

const MIN_ACCUMULATOR = 256;

/**
 * Push-based incremental frame parser. Frames that arrive whole come back as zero-copy views; only a
 * frame that straddles chunks is copied, into an accumulator that grows by doubling up to that frame's
 * size — so memory is bounded by what has actually arrived (never by the declared length) and a large
 * frame in many small chunks costs linear, not quadratic, copying. Parsing is lazy (in read()), so
 * expectStartup() between reads applies to exactly the next frame.
 */
export class FrameReader {
  private readonly queue: Buffer[] = [];
  private offset = 0; // read position inside queue[0]
  private queued = 0; // unread bytes in queue
  private acc: Buffer | null = null; // a frame that straddles chunks, assembled here
  private accLength = 0;
  private startup: boolean;
  private failure: FrameError | null = null;
  private readonly maxStartup: number;
  private readonly limits: Float64Array;

  constructor(options: FrameReaderOptions = {}) {
    this.startup = options.startup ?? false;
    this.maxStartup = options.maxStartupLength ?? MAX_STARTUP_PACKET_LENGTH;
    // A 256-entry table, so the per-frame limit lookup is one indexed load.
    this.limits = new Float64Array(256).fill(options.maxFrameLength ?? PQ_LARGE_MESSAGE_LIMIT);
    for (const [key, limit] of Object.entries(options.typeLimits ?? {})) {
      if (key.length !== 1 || key.charCodeAt(0) > 255) throw new RangeError(`typeLimits key must be one byte: ${key}`);
      this.limits[key.charCodeAt(0)] = limit;
    }
  }

  /** The next frame is an untyped startup-phase frame (after answering SSLRequest/GSSENCRequest with 'N'). */
  expectStartup(): void {
    this.startup = true;
  }

  /** Unread bytes held. Non-zero right after an SSLRequest means the client sent data it must not have. */
  get buffered(): number {
    return this.queued + this.accLength;
  }

  /** Takes ownership of chunk: it must not be modified afterwards (frames are views into it). */
  push(chunk: Buffer): void {
    if (this.failure !== null || chunk.length === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
  }

  /** The next complete frame, or null until more bytes arrive. Throws FrameError; after that, always. */
  read(): Frame | null {
    if (this.failure !== null) throw this.failure;
    if (this.acc !== null) return this.continuePartial();
    const headerLength = this.startup ? 4 : 5;
    if (this.queued < headerLength) return null;
    const chunk = this.queue[0]!;
    const start = this.offset;
    const available = chunk.length - start;
    if (available < headerLength) return this.continuePartial();
    const type = this.startup ? STARTUP_FRAME_TYPE : chunk[start]!;
    const p = start + headerLength - 4;
    const declared = (chunk[p]! << 24) | (chunk[p + 1]! << 16) | (chunk[p + 2]! << 8) | chunk[p + 3]!;
    const size = this.check(type, declared) + headerLength - 4;
    if (available < size) {
      // A straddling frame is assembled once complete, or as soon as a second chunk queues up, so
      // a trickle of tiny chunks never piles up as thousands of Buffer objects.
      return this.queued >= size || this.queue.length > 1 ? this.continuePartial(type, size) : null;
    }
    const raw = chunk.subarray(start, start + size);
    this.consume(size);
    this.startup = false;
    return new Frame(type, raw);
  }

  *[Symbol.iterator](): IterableIterator<Frame> {
    let frame: Frame | null;
    while ((frame = this.read()) !== null) yield frame;
  }

  /** Validates a declared length before anything of that size is kept; returns it. */
  private check(type: number, declared: number): number {
    if (type === STARTUP_FRAME_TYPE) {
      // The body must at least hold the int32 protocol/request code.
      if (declared < 8) throw this.fail('bad_length', `startup frame length ${declared} is below 8`);
      if (declared > this.maxStartup) {
        throw this.fail('too_large', `startup frame length ${declared} exceeds ${this.maxStartup}`);
      }
      return declared;
    }
    if (declared < 4) throw this.fail('bad_length', `frame length ${declared} is below 4`);
    const limit = this.limits[type]!;
    if (declared > limit) {
      throw this.fail('too_large', `'${String.fromCharCode(type)}' frame length ${declared} exceeds ${limit}`);
    }
    return declared;
  }

  /**
   * Moves queued bytes into the accumulator: first up to a full header, then (once the length is
   * known and valid) up to the end of that one frame. Returns the frame when it is complete.
   */
  private continuePartial(knownType = 0, knownSize = -1): Frame | null {
    let type = knownType;
    let size = knownSize;
    if (size < 0) {
      // Header not parsed yet (it straddles chunks, or an earlier call started the accumulator).
      const headerLength = this.startup ? 4 : 5;
      if (this.accLength < headerLength) {
        this.pull(headerLength - this.accLength, headerLength);
        if (this.accLength < headerLength) return null;
      }
      const acc = this.acc!;
      type = this.startup ? STARTUP_FRAME_TYPE : acc[0]!;
      const p = headerLength - 4;
      const declared = (acc[p]! << 24) | (acc[p + 1]! << 16) | (acc[p + 2]! << 8) | acc[p + 3]!;
      size = this.check(type, declared) + headerLength - 4;
    }
    this.pull(size - this.accLength, size);
    if (this.accLength < size) return null;
    const raw = this.acc!.subarray(0, size);
    this.acc = null;
    this.accLength = 0;
    this.startup = false;
    return new Frame(type, raw);
  }

  /** Copies up to `want` queued bytes into the accumulator, never growing it beyond `cap`. */
  private pull(want: number, cap: number): void {
    const n = Math.min(want, this.queued);
    if (n <= 0) return;
    const needed = this.accLength + n;
    if (this.acc === null || this.acc.length < needed) {
      const grown = Math.min(cap, Math.max(needed, (this.acc?.length ?? 0) * 2, MIN_ACCUMULATOR));
      const next = Buffer.allocUnsafe(Math.max(grown, needed));
      if (this.acc !== null) this.acc.copy(next, 0, 0, this.accLength);
      this.acc = next;
    }
    let left = n;
    while (left > 0) {
      const chunk = this.queue[0]!;
      const take = Math.min(left, chunk.length - this.offset);
      chunk.copy(this.acc, this.accLength, this.offset, this.offset + take);
      this.accLength += take;
      left -= take;
      this.consume(take);
    }
  }

  private consume(n: number): void {
    this.queued -= n;
    this.offset += n;
    if (this.offset === this.queue[0]!.length) {
      this.queue.shift();
      this.offset = 0;
    }
  }

  private fail(code: 'too_large' | 'bad_length', message: string): FrameError {
    // Framing is lost for good: drop what we hold and refuse everything after.
    this.failure = new FrameError(code, message);
    this.queue.length = 0;
    this.queued = 0;
    this.acc = null;
    this.accLength = 0;
    return this.failure;
  }
}
