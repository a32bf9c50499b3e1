import { isUtf8 } from 'node:buffer';
import { FrameError, malformed } from './frame-error';
import { CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE, PROTOCOL_3_0, SSL_REQUEST_CODE } from './protocol';

export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

export type StartupRequest =
  | { readonly kind: 'ssl' }
  | { readonly kind: 'gssenc' }
  | { readonly kind: 'cancel'; readonly processId: number; readonly secretKey: number }
  | {
      readonly kind: 'startup';
      /** Major is always 3; a minor above 0 must be answered with NegotiateProtocolVersion. */
      readonly protocol: ProtocolVersion;
      /** Null-prototype object: a parameter named "__proto__" is just a key, never a prototype. */
      readonly params: Record<string, string>;
    };

/**
 * Parses the body of an untyped startup-phase frame (after the length word).
 * Stricter than Postgres on purpose where leniency would let the broker and the server read
 * different parameters: duplicates, missing terminators, trailing bytes and non-UTF-8 are refused.
 */
export function parseStartupFrame(body: Buffer): StartupRequest {
  if (body.length < 4) throw malformed('startup: missing protocol code');
  const code = body.readInt32BE(0);
  switch (code) {
    case SSL_REQUEST_CODE:
      if (body.length !== 4) throw malformed('SSLRequest: unexpected body');
      return { kind: 'ssl' };
    case GSSENC_REQUEST_CODE:
      if (body.length !== 4) throw malformed('GSSENCRequest: unexpected body');
      return { kind: 'gssenc' };
    case CANCEL_REQUEST_CODE:
      if (body.length !== 12) throw malformed('CancelRequest: body must be 12 bytes');
      return { kind: 'cancel', processId: body.readInt32BE(4), secretKey: body.readInt32BE(8) };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== 3) throw new FrameError('unsupported_protocol', `unsupported frontend protocol ${major}.${minor}`);
  return { kind: 'startup', protocol: { major, minor }, params: parseParams(body) };
}

function parseParams(body: Buffer): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  let pos = 4;
  for (;;) {
    if (pos >= body.length) throw malformed('StartupMessage: missing final terminator');
    if (body[pos] === 0) {
      if (pos !== body.length - 1) throw malformed('StartupMessage: bytes after the final terminator');
      break;
    }
    const nameEnd = body.indexOf(0, pos);
    if (nameEnd < 0) throw malformed('StartupMessage: unterminated parameter name');
    const valueEnd = body.indexOf(0, nameEnd + 1);
    if (valueEnd < 0) throw malformed('StartupMessage: unterminated parameter value');
    const name = utf8(body, pos, nameEnd);
    if (Object.prototype.hasOwnProperty.call(params, name)) throw malformed(`StartupMessage: duplicate "${name}"`);
    params[name] = utf8(body, nameEnd + 1, valueEnd);
    pos = valueEnd + 1;
  }
  if (!params['user']) throw malformed('StartupMessage: no user name');
  return params;
}

function utf8(body: Buffer, start: number, end: number): string {
  if (!isUtf8(body.subarray(start, end))) throw malformed('StartupMessage: parameter is not valid UTF-8');
  return body.toString('utf8', start, end);
}

// ---- builders (the broker opening its upstream connection) ----------------------------------------

/** A StartupMessage frame (untyped). Parameter order is kept; `user` is required by every server. */
export function encodeStartupMessage(params: Readonly<Record<string, string>>, protocol = PROTOCOL_3_0): Buffer {
  const entries = Object.entries(params);
  let length = 4 + 4 + 1;
  for (const [k, v] of entries) {
    if (k.length === 0) throw new RangeError('startup parameter name is empty');
    if (k.includes('\0') || v.includes('\0')) throw new RangeError(`startup parameter ${k} contains a NUL byte`);
    length += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  }
  const buf = Buffer.allocUnsafe(length);
  buf.writeInt32BE(length, 0);
  buf.writeInt32BE(protocol, 4);
  let pos = 8;
  for (const [k, v] of entries) {
    pos += buf.write(k, pos);
    buf[pos++] = 0;
    pos += buf.write(v, pos);
    buf[pos++] = 0;
  }
  buf[pos] = 0;
  return buf;
}

function requestFrame(code: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  buf.writeInt32BE(8, 0);
  buf.writeInt32BE(code, 4);
  return buf;
}

export function encodeSSLRequest(): Buffer {
  return requestFrame(SSL_REQUEST_CODE);
}

export function encodeGSSENCRequest(): Buffer {
  return requestFrame(GSSENC_REQUEST_CODE);
}

/** Sent on a fresh connection to the upstream; the pair is the upstream's BackendKeyData, never the client's. */
export function encodeCancelRequest(processId: number, secretKey: number): Buffer {
  const buf = Buffer.allocUnsafe(16);
  buf.writeInt32BE(16, 0);
  buf.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  buf.writeInt32BE(processId | 0, 8);
  buf.writeInt32BE(secretKey | 0, 12);
  return buf;
}
