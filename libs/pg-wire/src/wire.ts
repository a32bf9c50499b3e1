import { isUtf8 } from 'node:buffer';
import { malformed } from './frame-error';

/**
 * Bounds-checked cursor over one frame body. Every read checks the remaining length first, so a bad
 * body surfaces as FrameError('malformed') and never as a RangeError from Buffer, and no count read
 * from the wire is trusted before the bytes it promises are known to be there.
 */
export class BodyReader {
  pos = 0;

  constructor(
    readonly buf: Buffer,
    /** Message name for error text; always a literal, so no allocation per decode. */
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  int16(): number {
    this.need(2);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return (v << 16) >> 16;
  }

  int32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  /** A count (int16) that must be non-negative and leave room for `minEach` bytes per item. */
  count16(minEach: number): number {
    const n = this.int16();
    if (n < 0) throw malformed(`${this.what}: negative count ${n}`);
    if (n * minEach > this.remaining) throw malformed(`${this.what}: count ${n} exceeds the message`);
    return n;
  }

  /**
   * A NUL-terminated string. `strict` rejects invalid UTF-8: the broker decides on the text it
   * decodes, so a lossy decode (U+FFFD) would let it judge different text than the server runs.
   */
  cstring(strict: boolean): string {
    const b = this.buf;
    const start = this.pos;
    const end = b.indexOf(0, start);
    if (end < 0) throw malformed(`${this.what}: missing string terminator`);
    this.pos = end + 1;
    if (end === start) return '';
    if (strict && !isUtf8(b.subarray(start, end))) throw malformed(`${this.what}: string is not valid UTF-8`);
    return b.toString('utf8', start, end);
  }

  bytes(n: number): Buffer {
    if (n < 0) throw malformed(`${this.what}: negative length ${n}`);
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  rest(): Buffer {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }

  /** Postgres rejects trailing bytes (pq_getmsgend); so do we, so both sides read the same message. */
  end(): void {
    if (this.pos !== this.buf.length) throw malformed(`${this.what}: ${this.remaining} unexpected trailing bytes`);
  }

  private need(n: number): void {
    if (this.buf.length - this.pos < n) throw malformed(`${this.what}: message too short`);
  }
}

/** Decodes a body that must be exactly one NUL-terminated string (Query, CommandComplete, ...). */
export function soleCString(body: Buffer, what: string, strict: boolean): string {
  const r = new BodyReader(body, what);
  const s = r.cstring(strict);
  r.end();
  return s;
}

/** Rejects a body that should be empty (Sync, Flush, ...). */
export function expectEmpty(body: Buffer, what: string): void {
  if (body.length !== 0) throw malformed(`${what}: expected an empty body, got ${body.length} bytes`);
}

// ---- writing -------------------------------------------------------------------------------------

/**
 * Byte length of s as a C string. A NUL inside would end the field early and let the rest be read
 * as further fields or messages (injection), so builders refuse it instead of truncating silently.
 */
export function cstringLength(s: string): number {
  if (s.includes('\0')) throw new RangeError('string for the wire contains a NUL byte');
  return Buffer.byteLength(s) + 1;
}

export function writeCString(buf: Buffer, s: string, pos: number): number {
  const n = s.length === 0 ? 0 : buf.write(s, pos);
  buf[pos + n] = 0;
  return pos + n + 1;
}

/** Allocates a typed frame of `bodyLength` and writes its header; the body starts at offset 5. */
export function allocFrame(type: number, bodyLength: number): Buffer {
  const buf = Buffer.allocUnsafe(5 + bodyLength);
  buf[0] = type;
  buf.writeInt32BE(4 + bodyLength, 1);
  return buf;
}

/** A complete frame whose body is one C string. */
export function cstringFrame(type: number, s: string): Buffer {
  const buf = allocFrame(type, cstringLength(s));
  writeCString(buf, s, 5);
  return buf;
}

/** A complete frame whose body is the given bytes. */
export function bytesFrame(type: number, body: Uint8Array): Buffer {
  const buf = allocFrame(type, body.length);
  buf.set(body, 5);
  return buf;
}

/** Zero-body frames are built once: they are shared and must be treated as read-only. */
export function emptyFrame(type: number): Buffer {
  return allocFrame(type, 0);
}
