import { type TransactionStatus } from './backend';
import { type ErrorFields, decodeErrorFields } from './errors';
import { malformed } from './frame-error';
import { BackendType } from './protocol';
import { type FieldDescription, decodeDataRow, decodeRowDescription } from './rows';
import { BodyReader, expectEmpty, soleCString } from './wire';

/**
 * Decoders for server messages (the broker reading its upstream). Structure is checked strictly;
 * text is decoded leniently (a server's own text in client_encoding, not something we decide on).
 */

export type AuthenticationRequest =
  | { readonly kind: 'ok' }
  | { readonly kind: 'cleartext' }
  | { readonly kind: 'md5'; readonly salt: Buffer }
  | { readonly kind: 'sasl'; readonly mechanisms: string[] }
  | { readonly kind: 'sasl-continue'; readonly data: Buffer }
  | { readonly kind: 'sasl-final'; readonly data: Buffer }
  /** Kerberos (2), GSS (7, 8), SSPI (9) or anything newer: the broker cannot answer these. */
  | { readonly kind: 'unsupported'; readonly subtype: number };

export function decodeAuthentication(body: Buffer): AuthenticationRequest {
  const r = new BodyReader(body, 'Authentication');
  const subtype = r.int32();
  switch (subtype) {
    case 0:
      r.end();
      return { kind: 'ok' };
    case 3:
      r.end();
      return { kind: 'cleartext' };
    case 5: {
      const salt = r.bytes(4);
      r.end();
      return { kind: 'md5', salt };
    }
    case 10: {
      const mechanisms: string[] = [];
      for (let m = r.cstring(false); m !== ''; m = r.cstring(false)) mechanisms.push(m);
      r.end();
      return { kind: 'sasl', mechanisms };
    }
    case 11:
      return { kind: 'sasl-continue', data: r.rest() };
    case 12:
      return { kind: 'sasl-final', data: r.rest() };
    default:
      return { kind: 'unsupported', subtype };
  }
}

export interface ParameterStatus {
  readonly name: string;
  readonly value: string;
}

/** Watch client_encoding, DateStyle, standard_conforming_strings: they change how SQL text reads. */
export function decodeParameterStatus(body: Buffer): ParameterStatus {
  const r = new BodyReader(body, 'ParameterStatus');
  const name = r.cstring(false);
  const value = r.cstring(false);
  r.end();
  return { name, value };
}

export interface BackendKeyData {
  readonly processId: number;
  readonly secretKey: number;
}

export function decodeBackendKeyData(body: Buffer): BackendKeyData {
  // Protocol 3.0 keys are exactly 4 bytes (3.2 allows longer; we negotiate 3.0).
  if (body.length !== 8) throw malformed(`BackendKeyData: body must be 8 bytes, got ${body.length}`);
  return { processId: body.readInt32BE(0), secretKey: body.readInt32BE(4) };
}

export function decodeReadyForQuery(body: Buffer): TransactionStatus {
  if (body.length !== 1) throw malformed('ReadyForQuery: body must be 1 byte');
  const s = body[0];
  if (s === 0x49) return 'I';
  if (s === 0x54) return 'T';
  if (s === 0x45) return 'E';
  throw malformed(`ReadyForQuery: unknown status ${s}`);
}

export function decodeCommandComplete(body: Buffer): string {
  return soleCString(body, 'CommandComplete', false);
}

/** Rows affected/returned from a tag like "INSERT 0 5", "SELECT 3", "COPY 10"; null if the tag has none. */
export function commandTagRows(tag: string): number | null {
  const m = /^(?:INSERT \d+|SELECT|UPDATE|DELETE|MERGE|MOVE|FETCH|COPY) (\d+)$/.exec(tag);
  return m ? Number(m[1]) : null;
}

export interface CopyResponse {
  /** 0 textual, 1 binary: the overall COPY format. */
  readonly format: number;
  readonly columnFormats: number[];
}

/** CopyInResponse ('G'), CopyOutResponse ('H') and CopyBothResponse ('W') share a layout. */
export function decodeCopyResponse(body: Buffer): CopyResponse {
  const r = new BodyReader(body, 'CopyResponse');
  const format = r.byte();
  const n = r.count16(2);
  const columnFormats = new Array<number>(n);
  for (let i = 0; i < n; i++) columnFormats[i] = r.int16();
  r.end();
  return { format, columnFormats };
}

export interface NegotiateProtocolVersion {
  readonly newestMinor: number;
  readonly unrecognizedOptions: string[];
}

export function decodeNegotiateProtocolVersion(body: Buffer): NegotiateProtocolVersion {
  const r = new BodyReader(body, 'NegotiateProtocolVersion');
  const newestMinor = r.int32();
  const n = r.int32();
  if (n < 0 || n > r.remaining) throw malformed(`NegotiateProtocolVersion: bad option count ${n}`);
  const unrecognizedOptions = new Array<string>(n);
  for (let i = 0; i < n; i++) unrecognizedOptions[i] = r.cstring(false);
  r.end();
  return { newestMinor, unrecognizedOptions };
}

export function decodeParameterDescription(body: Buffer): number[] {
  const r = new BodyReader(body, 'ParameterDescription');
  const n = r.count16(4);
  const oids = new Array<number>(n);
  for (let i = 0; i < n; i++) oids[i] = r.uint32();
  r.end();
  return oids;
}

export interface Notification {
  readonly processId: number;
  readonly channel: string;
  readonly payload: string;
}

export function decodeNotification(body: Buffer): Notification {
  const r = new BodyReader(body, 'NotificationResponse');
  const processId = r.int32();
  const channel = r.cstring(false);
  const payload = r.cstring(false);
  r.end();
  return { processId, channel, payload };
}

/** FunctionCallResponse: the result value, null for SQL NULL. */
export function decodeFunctionCallResponse(body: Buffer): Buffer | null {
  const r = new BodyReader(body, 'FunctionCallResponse');
  const len = r.int32();
  const value = len === -1 ? null : r.bytes(len);
  r.end();
  return value;
}

// ---- dispatch -----------------------------------------------------------------------------------

export type BackendMessage =
  | { readonly type: 'Authentication'; readonly request: AuthenticationRequest }
  | ({ readonly type: 'ParameterStatus' } & ParameterStatus)
  | ({ readonly type: 'BackendKeyData' } & BackendKeyData)
  | { readonly type: 'ReadyForQuery'; readonly status: TransactionStatus }
  | { readonly type: 'ErrorResponse'; readonly fields: ErrorFields }
  | { readonly type: 'NoticeResponse'; readonly fields: ErrorFields }
  | { readonly type: 'RowDescription'; readonly fields: FieldDescription[] }
  | { readonly type: 'DataRow'; readonly values: (Buffer | null)[] }
  | { readonly type: 'CommandComplete'; readonly tag: string }
  | ({ readonly type: 'CopyInResponse' } & CopyResponse)
  | ({ readonly type: 'CopyOutResponse' } & CopyResponse)
  | ({ readonly type: 'CopyBothResponse' } & CopyResponse)
  | { readonly type: 'CopyData'; readonly data: Buffer }
  | ({ readonly type: 'NegotiateProtocolVersion' } & NegotiateProtocolVersion)
  | { readonly type: 'ParameterDescription'; readonly typeOids: number[] }
  | ({ readonly type: 'NotificationResponse' } & Notification)
  | { readonly type: 'FunctionCallResponse'; readonly value: Buffer | null }
  | { [K in EmptyBackendType]: { readonly type: K } }[EmptyBackendType];

type EmptyBackendType =
  'ParseComplete' | 'BindComplete' | 'CloseComplete' | 'NoData' | 'PortalSuspended' | 'EmptyQueryResponse' | 'CopyDone';

const EMPTY_TYPES: Readonly<Record<number, EmptyBackendType>> = {
  [BackendType.ParseComplete]: 'ParseComplete',
  [BackendType.BindComplete]: 'BindComplete',
  [BackendType.CloseComplete]: 'CloseComplete',
  [BackendType.NoData]: 'NoData',
  [BackendType.PortalSuspended]: 'PortalSuspended',
  [BackendType.EmptyQueryResponse]: 'EmptyQueryResponse',
  [BackendType.CopyDone]: 'CopyDone',
};

/** Decodes any server message into a tagged object (audit, tests); the hot path switches on Frame.type. */
export function decodeBackendMessage(type: number, body: Buffer): BackendMessage {
  switch (type) {
    case BackendType.Authentication:
      return { type: 'Authentication', request: decodeAuthentication(body) };
    case BackendType.ParameterStatus:
      return { type: 'ParameterStatus', ...decodeParameterStatus(body) };
    case BackendType.BackendKeyData:
      return { type: 'BackendKeyData', ...decodeBackendKeyData(body) };
    case BackendType.ReadyForQuery:
      return { type: 'ReadyForQuery', status: decodeReadyForQuery(body) };
    case BackendType.ErrorResponse:
      return { type: 'ErrorResponse', fields: decodeErrorFields(body) };
    case BackendType.NoticeResponse:
      return { type: 'NoticeResponse', fields: decodeErrorFields(body) };
    case BackendType.RowDescription:
      return { type: 'RowDescription', fields: decodeRowDescription(body) };
    case BackendType.DataRow:
      return { type: 'DataRow', values: decodeDataRow(body) };
    case BackendType.CommandComplete:
      return { type: 'CommandComplete', tag: decodeCommandComplete(body) };
    case BackendType.CopyInResponse:
      return { type: 'CopyInResponse', ...decodeCopyResponse(body) };
    case BackendType.CopyOutResponse:
      return { type: 'CopyOutResponse', ...decodeCopyResponse(body) };
    case BackendType.CopyBothResponse:
      return { type: 'CopyBothResponse', ...decodeCopyResponse(body) };
    case BackendType.CopyData:
      return { type: 'CopyData', data: body };
    case BackendType.NegotiateProtocolVersion:
      return { type: 'NegotiateProtocolVersion', ...decodeNegotiateProtocolVersion(body) };
    case BackendType.ParameterDescription:
      return { type: 'ParameterDescription', typeOids: decodeParameterDescription(body) };
    case BackendType.NotificationResponse:
      return { type: 'NotificationResponse', ...decodeNotification(body) };
    case BackendType.FunctionCallResponse:
      return { type: 'FunctionCallResponse', value: decodeFunctionCallResponse(body) };
  }
  const empty = EMPTY_TYPES[type];
  if (empty === undefined) throw malformed(`unknown backend message type ${type}`);
  expectEmpty(body, empty);
  return { type: empty };
}
