import { FrontendType } from './protocol';
import { allocFrame, bytesFrame, cstringFrame, cstringLength, emptyFrame, writeCString } from './wire';

/**
 * Builders for client messages: what the broker sends when it talks to the upstream itself
 * (authentication, its own session queries, synthesising a Sync). Client traffic is forwarded raw.
 * The zero-argument ones return shared buffers: treat them as read-only.
 */

const SYNC = emptyFrame(FrontendType.Sync);
const FLUSH = emptyFrame(FrontendType.Flush);
const TERMINATE = emptyFrame(FrontendType.Terminate);
const COPY_DONE = emptyFrame(FrontendType.CopyDone);

export function encodeQuery(sql: string): Buffer {
  return cstringFrame(FrontendType.Query, sql);
}

export function encodePasswordMessage(password: string): Buffer {
  return cstringFrame(FrontendType.Password, password);
}

export function encodeSaslInitialResponse(mechanism: string, data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const buf = allocFrame(FrontendType.Password, cstringLength(mechanism) + 4 + bytes.length);
  const pos = writeCString(buf, mechanism, 5);
  buf.writeInt32BE(bytes.length, pos);
  buf.set(bytes, pos + 4);
  return buf;
}

export function encodeSaslResponse(data: Uint8Array | string): Buffer {
  return bytesFrame(FrontendType.Password, typeof data === 'string' ? Buffer.from(data) : data);
}

export function encodeParse(name: string, query: string, paramTypes: readonly number[] = []): Buffer {
  const buf = allocFrame(FrontendType.Parse, cstringLength(name) + cstringLength(query) + 2 + 4 * paramTypes.length);
  let pos = writeCString(buf, name, 5);
  pos = writeCString(buf, query, pos);
  pos = buf.writeInt16BE(paramTypes.length, pos);
  for (const oid of paramTypes) pos = buf.writeUInt32BE(oid >>> 0, pos);
  return buf;
}

export interface BindInput {
  readonly portal?: string;
  readonly statement?: string;
  readonly paramFormats?: readonly number[];
  readonly params?: readonly (Uint8Array | null)[];
  readonly resultFormats?: readonly number[];
}

export function encodeBind(input: BindInput): Buffer {
  const { portal = '', statement = '', paramFormats = [], params = [], resultFormats = [] } = input;
  let length = cstringLength(portal) + cstringLength(statement) + 2 + 2 * paramFormats.length + 2;
  for (const p of params) length += 4 + (p === null ? 0 : p.length);
  length += 2 + 2 * resultFormats.length;
  const buf = allocFrame(FrontendType.Bind, length);
  let pos = writeCString(buf, portal, 5);
  pos = writeCString(buf, statement, pos);
  pos = writeInt16s(buf, paramFormats, pos);
  pos = buf.writeInt16BE(params.length, pos);
  for (const p of params) {
    if (p === null) {
      pos = buf.writeInt32BE(-1, pos);
    } else {
      pos = buf.writeInt32BE(p.length, pos);
      buf.set(p, pos);
      pos += p.length;
    }
  }
  writeInt16s(buf, resultFormats, pos);
  return buf;
}

export function encodeExecute(portal = '', maxRows = 0): Buffer {
  const buf = allocFrame(FrontendType.Execute, cstringLength(portal) + 4);
  buf.writeInt32BE(maxRows, writeCString(buf, portal, 5));
  return buf;
}

export function encodeDescribe(kind: 'S' | 'P', name = ''): Buffer {
  return targetFrame(FrontendType.Describe, kind, name);
}

export function encodeClose(kind: 'S' | 'P', name = ''): Buffer {
  return targetFrame(FrontendType.Close, kind, name);
}

export function encodeSync(): Buffer {
  return SYNC;
}

export function encodeFlush(): Buffer {
  return FLUSH;
}

export function encodeTerminate(): Buffer {
  return TERMINATE;
}

export function encodeCopyDone(): Buffer {
  return COPY_DONE;
}

export function encodeCopyData(data: Uint8Array): Buffer {
  return bytesFrame(FrontendType.CopyData, data);
}

export function encodeCopyFail(message: string): Buffer {
  return cstringFrame(FrontendType.CopyFail, message);
}

function targetFrame(type: number, kind: 'S' | 'P', name: string): Buffer {
  const buf = allocFrame(type, 1 + cstringLength(name));
  buf[5] = kind.charCodeAt(0);
  writeCString(buf, name, 6);
  return buf;
}

function writeInt16s(buf: Buffer, values: readonly number[], pos: number): number {
  pos = buf.writeInt16BE(values.length, pos);
  for (const v of values) pos = buf.writeInt16BE(v, pos);
  return pos;
}
