import { malformed } from './frame-error';
import { FrontendType } from './protocol';
import { BodyReader, expectEmpty, soleCString } from './wire';

/**
 * Decoders for client messages. Each takes a frame body (Frame.body) and applies the same checks a
 * PostgreSQL 15 backend applies (terminators, counts, no trailing bytes), so a message the broker
 * accepts and judges is exactly the message the server will run. Strings must be valid UTF-8.
 */

export interface ParseMessage {
  readonly name: string;
  readonly query: string;
  /** Parameter type OIDs (unsigned); 0 leaves the type to the server. */
  readonly paramTypes: number[];
}

export interface BindMessage {
  readonly portal: string;
  readonly statement: string;
  /** 0 text / 1 binary; empty = all text, one entry = applies to all (as sent, not expanded). */
  readonly paramFormats: number[];
  /** Views into the frame; null is SQL NULL. */
  readonly params: (Buffer | null)[];
  readonly resultFormats: number[];
}

export interface ExecuteMessage {
  readonly portal: string;
  /** 0 (or negative) means no limit. */
  readonly maxRows: number;
}

export interface TargetMessage {
  /** 'S' prepared statement, 'P' portal. */
  readonly kind: 'S' | 'P';
  readonly name: string;
}

export interface FunctionCallMessage {
  readonly functionOid: number;
  readonly argFormats: number[];
  readonly args: (Buffer | null)[];
  readonly resultFormat: number;
}

export interface SaslInitialResponse {
  readonly mechanism: string;
  /** Null when the client sent length -1 (no initial response). */
  readonly data: Buffer | null;
}

export function decodeQuery(body: Buffer): string {
  return soleCString(body, 'Query', true);
}

export function decodeParse(body: Buffer): ParseMessage {
  const r = new BodyReader(body, 'Parse');
  const name = r.cstring(true);
  const query = r.cstring(true);
  const n = r.count16(4);
  const paramTypes = new Array<number>(n);
  for (let i = 0; i < n; i++) paramTypes[i] = r.uint32();
  r.end();
  return { name, query, paramTypes };
}

export function decodeBind(body: Buffer): BindMessage {
  const r = new BodyReader(body, 'Bind');
  const portal = r.cstring(true);
  const statement = r.cstring(true);
  const paramFormats = readFormats(r);
  const params = readValues(r);
  // Postgres refuses any other combination ("bind message has N parameter formats but M parameters").
  if (paramFormats.length > 1 && paramFormats.length !== params.length) {
    throw malformed(`Bind: ${paramFormats.length} parameter formats for ${params.length} parameters`);
  }
  const resultFormats = readFormats(r);
  r.end();
  return { portal, statement, paramFormats, params, resultFormats };
}

export function decodeExecute(body: Buffer): ExecuteMessage {
  const r = new BodyReader(body, 'Execute');
  const portal = r.cstring(true);
  const maxRows = r.int32();
  r.end();
  return { portal, maxRows };
}

export function decodeDescribe(body: Buffer): TargetMessage {
  return decodeTarget(body, 'Describe');
}

export function decodeClose(body: Buffer): TargetMessage {
  return decodeTarget(body, 'Close');
}

/** Sync, Flush, Terminate and CopyDone carry nothing; anything else is a protocol violation. */
export function decodeEmpty(body: Buffer, what: string): void {
  expectEmpty(body, what);
}

/** CopyData is opaque: the body itself. */
export function decodeCopyData(body: Buffer): Buffer {
  return body;
}

export function decodeCopyFail(body: Buffer): string {
  return soleCString(body, 'CopyFail', true);
}

export function decodeFunctionCall(body: Buffer): FunctionCallMessage {
  const r = new BodyReader(body, 'FunctionCall');
  const functionOid = r.uint32();
  const argFormats = readFormats(r);
  const args = readValues(r);
  const resultFormat = r.int16();
  r.end();
  return { functionOid, argFormats, args, resultFormat };
}

/** PasswordMessage: the password (for Portcullis, the client's access token). */
export function decodePassword(body: Buffer): string {
  return soleCString(body, 'PasswordMessage', true);
}

/** The 'p' message that answers AuthenticationSASL. */
export function decodeSaslInitialResponse(body: Buffer): SaslInitialResponse {
  const r = new BodyReader(body, 'SASLInitialResponse');
  const mechanism = r.cstring(true);
  const len = r.int32();
  const data = len === -1 ? null : r.bytes(len);
  r.end();
  return { mechanism, data };
}

/** The 'p' message that answers AuthenticationSASLContinue: opaque mechanism data. */
export function decodeSaslResponse(body: Buffer): Buffer {
  return body;
}

function decodeTarget(body: Buffer, what: string): TargetMessage {
  const r = new BodyReader(body, what);
  const kind = r.byte();
  if (kind !== 0x53 && kind !== 0x50) throw malformed(`${what}: invalid target type ${kind}`);
  const name = r.cstring(true);
  r.end();
  return { kind: kind === 0x53 ? 'S' : 'P', name };
}

function readFormats(r: BodyReader): number[] {
  const n = r.count16(2);
  const formats = new Array<number>(n);
  for (let i = 0; i < n; i++) formats[i] = r.int16();
  return formats;
}

/** int16 count, then per value int32 length (-1 = NULL) and bytes. */
function readValues(r: BodyReader): (Buffer | null)[] {
  const n = r.count16(4);
  const values = new Array<Buffer | null>(n);
  for (let i = 0; i < n; i++) {
    const len = r.int32();
    values[i] = len === -1 ? null : r.bytes(len);
  }
  return values;
}

// ---- dispatch -----------------------------------------------------------------------------------

export type FrontendMessage =
  | { readonly type: 'Query'; readonly sql: string }
  | ({ readonly type: 'Parse' } & ParseMessage)
  | ({ readonly type: 'Bind' } & BindMessage)
  | ({ readonly type: 'Execute' } & ExecuteMessage)
  | ({ readonly type: 'Describe' } & TargetMessage)
  | ({ readonly type: 'Close' } & TargetMessage)
  | { [K in EmptyFrontendType]: { readonly type: K } }[EmptyFrontendType]
  | { readonly type: 'CopyData'; readonly data: Buffer }
  | { readonly type: 'CopyFail'; readonly message: string }
  | ({ readonly type: 'FunctionCall' } & FunctionCallMessage)
  /** The meaning of 'p' depends on the auth exchange; decode the body with the matching decoder. */
  | { readonly type: 'Password'; readonly data: Buffer };

/**
 * Decodes any typed client message into a tagged object (audit, tests). The broker's hot path
 * should switch on Frame.type and call the one decoder it needs instead.
 */
export function decodeFrontendMessage(type: number, body: Buffer): FrontendMessage {
  switch (type) {
    case FrontendType.Query:
      return { type: 'Query', sql: decodeQuery(body) };
    case FrontendType.Parse:
      return { type: 'Parse', ...decodeParse(body) };
    case FrontendType.Bind:
      return { type: 'Bind', ...decodeBind(body) };
    case FrontendType.Execute:
      return { type: 'Execute', ...decodeExecute(body) };
    case FrontendType.Describe:
      return { type: 'Describe', ...decodeDescribe(body) };
    case FrontendType.Close:
      return { type: 'Close', ...decodeClose(body) };
    case FrontendType.Sync:
      return emptyMessage(body, 'Sync');
    case FrontendType.Flush:
      return emptyMessage(body, 'Flush');
    case FrontendType.Terminate:
      return emptyMessage(body, 'Terminate');
    case FrontendType.CopyDone:
      return emptyMessage(body, 'CopyDone');
    case FrontendType.CopyData:
      return { type: 'CopyData', data: body };
    case FrontendType.CopyFail:
      return { type: 'CopyFail', message: decodeCopyFail(body) };
    case FrontendType.FunctionCall:
      return { type: 'FunctionCall', ...decodeFunctionCall(body) };
    case FrontendType.Password:
      return { type: 'Password', data: body };
    default:
      // Postgres ends the session on an unknown type ("invalid frontend message type").
      throw malformed(`invalid frontend message type ${type}`);
  }
}

type EmptyFrontendType = 'Sync' | 'Flush' | 'Terminate' | 'CopyDone';

function emptyMessage(body: Buffer, type: EmptyFrontendType): FrontendMessage {
  expectEmpty(body, type);
  return { type };
}
