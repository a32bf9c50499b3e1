/**
 * Protocol constants (PostgreSQL frontend/backend protocol 3.0). Type bytes are char codes so the
 * hot path compares numbers, never strings.
 */

/** Message type bytes a client sends. */
export const FrontendType = {
  Bind: 0x42, // B
  Close: 0x43, // C
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  Describe: 0x44, // D
  Execute: 0x45, // E
  Flush: 0x48, // H
  FunctionCall: 0x46, // F
  Parse: 0x50, // P
  /** PasswordMessage, SASLInitialResponse and SASLResponse all use 'p'; the auth state says which. */
  Password: 0x70, // p
  Query: 0x51, // Q
  Sync: 0x53, // S
  Terminate: 0x58, // X
} as const;

/** Message type bytes a server sends. */
export const BackendType = {
  Authentication: 0x52, // R
  BackendKeyData: 0x4b, // K
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  CommandComplete: 0x43, // C
  CopyBothResponse: 0x57, // W
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  DataRow: 0x44, // D
  EmptyQueryResponse: 0x49, // I
  ErrorResponse: 0x45, // E
  FunctionCallResponse: 0x56, // V
  NegotiateProtocolVersion: 0x76, // v
  NoData: 0x6e, // n
  NoticeResponse: 0x4e, // N
  NotificationResponse: 0x41, // A
  ParameterDescription: 0x74, // t
  ParameterStatus: 0x53, // S
  ParseComplete: 0x31, // 1
  PortalSuspended: 0x73, // s
  ReadyForQuery: 0x5a, // Z
  RowDescription: 0x54, // T
} as const;

/** Frame.type of the untyped frames of the startup phase (no real type byte is ever negative). */
export const STARTUP_FRAME_TYPE = -1;

/** Request codes carried where a startup frame's protocol version would be. */
export const PROTOCOL_3_0 = 196608; // 3 << 16
export const CANCEL_REQUEST_CODE = 80877102; // 1234 << 16 | 5678
export const SSL_REQUEST_CODE = 80877103; // 1234 << 16 | 5679
export const GSSENC_REQUEST_CODE = 80877104; // 1234 << 16 | 5680

/** Postgres' own limits (src/include/libpq): the broker is transparent when it enforces the same ones. */
export const MAX_STARTUP_PACKET_LENGTH = 10000;
export const PQ_SMALL_MESSAGE_LIMIT = 10000;
export const PQ_LARGE_MESSAGE_LIMIT = 0x3fffffff;
export const PG_MAX_AUTH_TOKEN_LENGTH = 65535;

/** Per-type length limits for FrameReader; lengths count the int32 length word, not the type byte. */
export interface FrameLimits {
  /** Limit for any type not listed in typeLimits. */
  readonly maxFrameLength: number;
  /** Overrides keyed by the one-character type ('Q', 'B', ...). */
  readonly typeLimits?: Readonly<Record<string, number>>;
}

/**
 * What a PostgreSQL 15 backend accepts from a client (postgres.c SocketBackend, auth.c): statements,
 * bind values and COPY data may be large, control messages are small, a password/token up to 64 KiB.
 * Unknown types get the small limit so a client cannot make us buffer a large body we will reject.
 */
export const POSTGRES_FRONTEND_LIMITS: FrameLimits = {
  maxFrameLength: PQ_SMALL_MESSAGE_LIMIT,
  typeLimits: {
    Q: PQ_LARGE_MESSAGE_LIMIT,
    P: PQ_LARGE_MESSAGE_LIMIT,
    B: PQ_LARGE_MESSAGE_LIMIT,
    F: PQ_LARGE_MESSAGE_LIMIT,
    d: PQ_LARGE_MESSAGE_LIMIT,
    c: PQ_LARGE_MESSAGE_LIMIT,
    f: PQ_LARGE_MESSAGE_LIMIT,
    p: PG_MAX_AUTH_TOKEN_LENGTH,
  },
};
