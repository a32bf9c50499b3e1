import { BackendType } from './protocol';
import { allocFrame, bytesFrame, cstringFrame, cstringLength, emptyFrame, writeCString } from './wire';

/**
 * Builders for server messages the broker writes to its clients itself: its own authentication
 * exchange, session parameters, synthesised results when a statement is denied. Zero-argument
 * messages are built once and shared: treat the returned buffers as read-only.
 * (ErrorResponse and NoticeResponse builders live in errors.ts with the field definitions.)
 */

const AUTH_OK = authFrame(0, 0);
const AUTH_CLEARTEXT = authFrame(3, 0);
const READY: Readonly<Record<TransactionStatus, Buffer>> = {
  I: readyFrame('I'),
  T: readyFrame('T'),
  E: readyFrame('E'),
};
const EMPTY_QUERY = emptyFrame(BackendType.EmptyQueryResponse);
const PARSE_COMPLETE = emptyFrame(BackendType.ParseComplete);
const BIND_COMPLETE = emptyFrame(BackendType.BindComplete);
const CLOSE_COMPLETE = emptyFrame(BackendType.CloseComplete);
const NO_DATA = emptyFrame(BackendType.NoData);
const PORTAL_SUSPENDED = emptyFrame(BackendType.PortalSuspended);

/** ReadyForQuery status: idle, in a transaction block, in a failed transaction block. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** An Authentication ('R') frame with the subtype and `extra` bytes of payload left to fill. */
function authFrame(subtype: number, extra: number): Buffer {
  const buf = allocFrame(BackendType.Authentication, 4 + extra);
  buf.writeInt32BE(subtype, 5);
  return buf;
}

function readyFrame(status: TransactionStatus): Buffer {
  const buf = allocFrame(BackendType.ReadyForQuery, 1);
  buf[5] = status.charCodeAt(0);
  return buf;
}

export function encodeAuthenticationOk(): Buffer {
  return AUTH_OK;
}

/** How the broker asks a client for its access token (sent as the password). */
export function encodeAuthenticationCleartextPassword(): Buffer {
  return AUTH_CLEARTEXT;
}

export function encodeAuthenticationMD5Password(salt: Uint8Array): Buffer {
  if (salt.length !== 4) throw new RangeError('MD5 salt must be 4 bytes');
  const buf = authFrame(5, 4);
  buf.set(salt, 9);
  return buf;
}

export function encodeAuthenticationSASL(mechanisms: readonly string[]): Buffer {
  let length = 1;
  for (const m of mechanisms) length += cstringLength(m);
  const buf = authFrame(10, length);
  let pos = 9;
  for (const m of mechanisms) pos = writeCString(buf, m, pos);
  buf[pos] = 0;
  return buf;
}

export function encodeAuthenticationSASLContinue(data: Uint8Array | string): Buffer {
  return saslFrame(11, data);
}

export function encodeAuthenticationSASLFinal(data: Uint8Array | string): Buffer {
  return saslFrame(12, data);
}

function saslFrame(subtype: number, data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const buf = authFrame(subtype, bytes.length);
  buf.set(bytes, 9);
  return buf;
}

export function encodeParameterStatus(name: string, value: string): Buffer {
  const buf = allocFrame(BackendType.ParameterStatus, cstringLength(name) + cstringLength(value));
  writeCString(buf, value, writeCString(buf, name, 5));
  return buf;
}

/**
 * The client's cancel key. The broker should issue its own pair and map it to the upstream's,
 * so a client never learns (or can forge) keys for upstream backends it does not own.
 */
export function encodeBackendKeyData(processId: number, secretKey: number): Buffer {
  const buf = allocFrame(BackendType.BackendKeyData, 8);
  buf.writeInt32BE(processId | 0, 5);
  buf.writeInt32BE(secretKey | 0, 9);
  return buf;
}

export function encodeReadyForQuery(status: TransactionStatus): Buffer {
  return READY[status];
}

export function encodeCommandComplete(tag: string): Buffer {
  return cstringFrame(BackendType.CommandComplete, tag);
}

export function encodeEmptyQueryResponse(): Buffer {
  return EMPTY_QUERY;
}

export function encodeParseComplete(): Buffer {
  return PARSE_COMPLETE;
}

export function encodeBindComplete(): Buffer {
  return BIND_COMPLETE;
}

export function encodeCloseComplete(): Buffer {
  return CLOSE_COMPLETE;
}

export function encodeNoData(): Buffer {
  return NO_DATA;
}

export function encodePortalSuspended(): Buffer {
  return PORTAL_SUSPENDED;
}

/** Answer to a 3.x startup with a minor we do not speak or unknown `_pq_.` options. */
export function encodeNegotiateProtocolVersion(newestMinor: number, unrecognizedOptions: readonly string[]): Buffer {
  let length = 8;
  for (const o of unrecognizedOptions) length += cstringLength(o);
  const buf = allocFrame(BackendType.NegotiateProtocolVersion, length);
  buf.writeInt32BE(newestMinor, 5);
  let pos = buf.writeInt32BE(unrecognizedOptions.length, 9);
  for (const o of unrecognizedOptions) pos = writeCString(buf, o, pos);
  return buf;
}

/** Server-side CopyData, e.g. when the broker relays a masked COPY TO STDOUT row. */
export function encodeBackendCopyData(data: Uint8Array): Buffer {
  return bytesFrame(BackendType.CopyData, data);
}
