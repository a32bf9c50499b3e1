// @portcullis/pg-wire: PostgreSQL wire protocol (v3) codec. No I/O, no policy: bytes in, messages out.
export { FrameError } from './frame-error';
export type { FrameErrorCode } from './frame-error';

export {
  BackendType,
  CANCEL_REQUEST_CODE,
  FrontendType,
  GSSENC_REQUEST_CODE,
  MAX_STARTUP_PACKET_LENGTH,
  PG_MAX_AUTH_TOKEN_LENGTH,
  POSTGRES_FRONTEND_LIMITS,
  PQ_LARGE_MESSAGE_LIMIT,
  PQ_SMALL_MESSAGE_LIMIT,
  PROTOCOL_3_0,
  SSL_REQUEST_CODE,
  STARTUP_FRAME_TYPE,
} from './protocol';
export type { FrameLimits } from './protocol';

export { Frame, FrameReader } from './frame-reader';
export type { FrameReaderOptions } from './frame-reader';

export {
  encodeCancelRequest,
  encodeGSSENCRequest,
  encodeSSLRequest,
  encodeStartupMessage,
  parseStartupFrame,
} from './startup';
export type { ProtocolVersion, StartupRequest } from './startup';

export {
  decodeBind,
  decodeClose,
  decodeCopyData,
  decodeCopyFail,
  decodeDescribe,
  decodeEmpty,
  decodeExecute,
  decodeFrontendMessage,
  decodeFunctionCall,
  decodeParse,
  decodePassword,
  decodeQuery,
  decodeSaslInitialResponse,
  decodeSaslResponse,
} from './frontend';
export type {
  BindMessage,
  ExecuteMessage,
  FrontendMessage,
  FunctionCallMessage,
  ParseMessage,
  SaslInitialResponse,
  TargetMessage,
} from './frontend';

export {
  encodeBind,
  encodeClose,
  encodeCopyData,
  encodeCopyDone,
  encodeCopyFail,
  encodeDescribe,
  encodeExecute,
  encodeFlush,
  encodeParse,
  encodePasswordMessage,
  encodeQuery,
  encodeSaslInitialResponse,
  encodeSaslResponse,
  encodeSync,
  encodeTerminate,
} from './frontend-encode';
export type { BindInput } from './frontend-encode';

export {
  encodeAuthenticationCleartextPassword,
  encodeAuthenticationMD5Password,
  encodeAuthenticationOk,
  encodeAuthenticationSASL,
  encodeAuthenticationSASLContinue,
  encodeAuthenticationSASLFinal,
  encodeBackendCopyData,
  encodeBackendKeyData,
  encodeBindComplete,
  encodeCloseComplete,
  encodeCommandComplete,
  encodeEmptyQueryResponse,
  encodeNegotiateProtocolVersion,
  encodeNoData,
  encodeParameterStatus,
  encodeParseComplete,
  encodePortalSuspended,
  encodeReadyForQuery,
} from './backend';
export type { TransactionStatus } from './backend';

export {
  commandTagRows,
  decodeAuthentication,
  decodeBackendKeyData,
  decodeBackendMessage,
  decodeCommandComplete,
  decodeCopyResponse,
  decodeFunctionCallResponse,
  decodeNegotiateProtocolVersion,
  decodeNotification,
  decodeParameterDescription,
  decodeParameterStatus,
  decodeReadyForQuery,
} from './backend-decode';
export type {
  AuthenticationRequest,
  BackendKeyData,
  BackendMessage,
  CopyResponse,
  NegotiateProtocolVersion,
  Notification,
  ParameterStatus,
} from './backend-decode';

export { decodeDataRow, decodeRowDescription, encodeDataRow, encodeRowDescription } from './rows';
export type { FieldDescription } from './rows';

export { SqlState, decodeErrorFields, encodeErrorResponse, encodeNoticeResponse } from './errors';
export type { ErrorFields, Severity, SqlStateCode } from './errors';

export { SCRAM_SHA_256, ScramClient, ScramError, ScramKeyCache } from './scram';
export type { ScramClientOptions, ScramErrorCode } from './scram';
export { saslprep } from './saslprep';
export { md5PasswordHash } from './md5';
