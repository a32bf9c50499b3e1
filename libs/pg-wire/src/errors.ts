import { type FrameError, malformed } from './frame-error';
import { BackendType } from './protocol';
import { allocFrame } from './wire';

/** SQLSTATE codes the broker answers with (PostgreSQL Appendix A). */
export const SqlState = {
  /** Token missing/invalid for the session, or a refused connect decision. */
  InvalidAuthorizationSpecification: '28000',
  InvalidPassword: '28P01',
  /** Unknown connection (database) name. */
  InvalidCatalogName: '3D000',
  /** A statement denied by policy. */
  InsufficientPrivilege: '42501',
  ConnectionFailure: '08006',
  ProtocolViolation: '08P01',
  FeatureNotSupported: '0A000',
  /** Session ended because the principal was suspended or its token expired. */
  AdminShutdown: '57P01',
  QueryCanceled: '57014',
  TooManyConnections: '53300',
  InternalError: 'XX000',
} as const;
export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

/** Fields of ErrorResponse / NoticeResponse, named; field codes in FIELD_CODES below. */
export interface ErrorFields {
  /** S: possibly localized. When building, V is sent with the same value unless given. */
  severity: string;
  /** V: never localized (servers 9.6+). */
  severityNonLocalized?: string;
  /** C: SQLSTATE. */
  code: string;
  /** M */
  message: string;
  detail?: string;
  hint?: string;
  /** P: 1-based character position in the query text, as decimal text. */
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  file?: string;
  line?: string;
  routine?: string;
}

type FieldName = Exclude<keyof ErrorFields, 'severity' | 'code' | 'message' | 'severityNonLocalized'>;

/** Wire order as Postgres sends them; S, V, C, M are written first by the builder. */
const OPTIONAL_FIELDS: readonly (readonly [FieldName, number])[] = [
  ['detail', 0x44], // D
  ['hint', 0x48], // H
  ['position', 0x50], // P
  ['internalPosition', 0x70], // p
  ['internalQuery', 0x71], // q
  ['where', 0x57], // W
  ['schema', 0x73], // s
  ['table', 0x74], // t
  ['column', 0x63], // c
  ['dataType', 0x64], // d
  ['constraint', 0x6e], // n
  ['file', 0x46], // F
  ['line', 0x4c], // L
  ['routine', 0x52], // R
];

const NAME_BY_CODE: Readonly<Record<number, keyof ErrorFields>> = Object.fromEntries([
  [0x53, 'severity'],
  [0x56, 'severityNonLocalized'],
  [0x43, 'code'],
  [0x4d, 'message'],
  ...OPTIONAL_FIELDS.map(([name, code]) => [code, name]),
]);

export function encodeErrorResponse(fields: ErrorFields): Buffer {
  return encodeFields(BackendType.ErrorResponse, fields);
}

export function encodeNoticeResponse(fields: ErrorFields): Buffer {
  return encodeFields(BackendType.NoticeResponse, fields);
}

/**
 * Error text often quotes client input (a denied statement, a rule reason). A NUL would end the
 * field early and turn the rest into forged fields, and throwing here would lose the error itself,
 * so NULs are replaced instead of refused.
 */
function clean(s: string): string {
  return s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s;
}

function encodeFields(type: number, fields: ErrorFields): Buffer {
  const parts: [number, string][] = [
    [0x53, clean(fields.severity)],
    [0x56, clean(fields.severityNonLocalized ?? fields.severity)],
    [0x43, clean(fields.code)],
    [0x4d, clean(fields.message)],
  ];
  for (const [name, code] of OPTIONAL_FIELDS) {
    const v = fields[name];
    if (v !== undefined) parts.push([code, clean(v)]);
  }
  let length = 1;
  for (const [, v] of parts) length += 2 + Buffer.byteLength(v);
  const buf = allocFrame(type, length);
  let pos = 5;
  for (const [code, v] of parts) {
    buf[pos++] = code;
    pos += buf.write(v, pos);
    buf[pos++] = 0;
  }
  buf[pos] = 0;
  return buf;
}

/**
 * Decodes an ErrorResponse or NoticeResponse body. Unknown field codes are skipped, as the protocol
 * asks; S, C and M are always sent by real servers and default to '' if a server omits them.
 */
export function decodeErrorFields(body: Buffer): ErrorFields {
  const out: Record<string, string> = { severity: '', code: '', message: '' };
  let pos = 0;
  for (;;) {
    if (pos >= body.length) throw malformedFields('missing final terminator');
    const code = body[pos]!;
    if (code === 0) {
      if (pos !== body.length - 1) throw malformedFields('bytes after the final terminator');
      break;
    }
    const end = body.indexOf(0, pos + 1);
    if (end < 0) throw malformedFields('unterminated field');
    const name = NAME_BY_CODE[code];
    if (name !== undefined) out[name] = body.toString('utf8', pos + 1, end);
    pos = end + 1;
  }
  return out as unknown as ErrorFields;
}

function malformedFields(why: string): FrameError {
  return malformed(`ErrorResponse/NoticeResponse: ${why}`);
}
