import type { NormalizedHttpRequest } from './types';

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** Characters a path segment may carry unencoded (RFC 3986 pchar minus '%'). */
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
const MAX_TARGET = 16 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reject extends Error {}

interface Byte {
  b: number;
  /** Came in as %XX: reserved characters keep their encoding, since decoding them can change routing. */
  encoded: boolean;
}

/** The whole character at i (two UTF-16 units for astral ones); a lone surrogate is refused. */
function codePointAt(s: string, i: number): string {
  const cp = s.codePointAt(i) as number;
  if (cp >= 0xd800 && cp <= 0xdfff) throw new Reject('invalid UTF-16 in request target');
  return String.fromCodePoint(cp);
}

function hex(b: number): string {
  return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Splits one raw segment into bytes, refusing encodings that would let the upstream see a different path. */
function segmentBytes(seg: string): Byte[] {
  const out: Byte[] = [];
  for (let i = 0; i < seg.length; i++) {
    const c = codePointAt(seg, i);
    if (c.length === 2) i++;
    if (c === '%') {
      const h = seg.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Reject('malformed percent-encoding');
      const b = parseInt(h, 16);
      if (b === 0x2f) throw new Reject('encoded slash in path');
      if (b === 0x5c) throw new Reject('encoded backslash in path');
      if (b < 0x20 || b === 0x7f) throw new Reject('encoded control character or NUL in path');
      out.push({ b, encoded: true });
      i += 2;
    } else if (c.charCodeAt(0) > 0x7f) {
      for (const b of Buffer.from(c, 'utf8')) out.push({ b, encoded: true });
    } else {
      out.push({ b: c.charCodeAt(0), encoded: !PCHAR.test(c) });
    }
  }
  try {
    // fatal decoding rejects overlong forms (%C0%AE), surrogates and truncated sequences
    utf8.decode(Uint8Array.from(out.map((x) => x.b)));
  } catch {
    throw new Reject('path is not valid UTF-8');
  }
  return out;
}

function renderSegment(bytes: Byte[]): string {
  return bytes
    .map(({ b, encoded }) => (!encoded || UNRESERVED.test(String.fromCharCode(b)) ? String.fromCharCode(b) : hex(b)))
    .join('');
}

/** RFC 3986 5.2.4 plus empty-segment collapsing; a `..` above the root is refused rather than clamped. */
function normalizePath(rawPath: string): string {
  const stack: string[] = [];
  const segs = rawPath.split('/').slice(1);
  let trailing = false;
  for (const raw of segs) {
    const bytes = segmentBytes(raw);
    const seg = renderSegment(bytes);
    const isDot = seg === '.' || seg === '..';
    if (isDot && bytes.some((x) => x.encoded)) throw new Reject('encoded dot segment in path');
    trailing = true;
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!stack.length) throw new Reject('path escapes the root');
      stack.pop();
      continue;
    }
    stack.push(seg);
    trailing = false;
  }
  return `/${stack.join('/')}${trailing && stack.length ? '/' : ''}`;
}

function decodeQueryPart(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = codePointAt(s, i);
    if (c.length === 2) i++;
    if (c === '+') bytes.push(0x20);
    else if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Reject('malformed percent-encoding in query');
      bytes.push(parseInt(h, 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  if (bytes.includes(0)) throw new Reject('NUL in query');
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new Reject('query is not valid UTF-8');
  }
}

function parseQuery(raw: string): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  // Go's url.ParseQuery rejects ';' and net/http then drops the pair: refuse instead of guessing
  if (raw.includes(';')) throw new Reject('semicolon in query');
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const k = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? '' : decodeQueryPart(pair.slice(eq + 1));
    (out[k] ??= []).push(v);
  }
  return out;
}

/**
 * Normalises an HTTP request line so that policy sees the path the upstream will route on.
 * Anything that could be routed differently by a different parser (encoded slashes,
 * encoded dot segments, NUL, invalid UTF-8, `..` above the root) is refused, not guessed.
 * The broker must forward `path` (and the upper-cased method), not the raw input.
 */
export function normalizeHttpRequest(method: string, rawPathAndQuery: string): NormalizedHttpRequest {
  const m = typeof method === 'string' ? method.toUpperCase() : '';
  const fail = (error: string): NormalizedHttpRequest => ({ ok: false, error, method: m, path: '', query: {} });
  if (!/^[A-Z][A-Z0-9_-]{0,31}$/.test(m)) return fail('invalid method');
  if (typeof rawPathAndQuery !== 'string') return fail('request target is not a string');
  if (rawPathAndQuery.length > MAX_TARGET) return fail('request target too long');
  if (!rawPathAndQuery.startsWith('/')) return fail('request target must be an absolute path');
  if (/[\x00-\x20\x7f]/.test(rawPathAndQuery)) return fail('control character or space in request target');
  if (rawPathAndQuery.includes('#')) return fail('fragment in request target');
  if (rawPathAndQuery.includes('\\')) return fail('backslash in request target');
  const q = rawPathAndQuery.indexOf('?');
  const rawPath = q < 0 ? rawPathAndQuery : rawPathAndQuery.slice(0, q);
  try {
    const path = normalizePath(rawPath);
    const query = q < 0 ? (Object.create(null) as Record<string, string[]>) : parseQuery(rawPathAndQuery.slice(q + 1));
    return { ok: true, method: m, path, query };
  } catch (e) {
    if (e instanceof Reject) return fail(e.message);
    throw e;
  }
}

/** The normalised path with its query, as forwarded: what a front end decides on is exactly what it sends. */
export function pathAndQueryOf(n: Pick<NormalizedHttpRequest, 'path' | 'query'>): string {
  const query = new URLSearchParams(
    Object.entries(n.query).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])),
  ).toString();
  return `${n.path}${query ? `?${query}` : ''}`;
}
