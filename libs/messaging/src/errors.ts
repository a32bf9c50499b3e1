/**
 * Why a call to another service did not produce an answer. Callers on the data path must treat every
 * one of these as "deny": none of them says the command is safe.
 */
export const messagingErrorCodes = ['timeout', 'unavailable', 'bad_request', 'bad_response', 'remote_error'] as const;
export type MessagingErrorCode = (typeof messagingErrorCodes)[number];

export class MessagingError extends Error {
  constructor(
    readonly code: MessagingErrorCode,
    readonly subject: string,
    detail: string,
  ) {
    super(`${subject}: ${code}: ${detail}`);
    this.name = 'MessagingError';
  }
}

/** The error body a handler sends back when it refuses a payload; serialised by Nest's RPC layer. */
export interface RemoteErrorBody {
  code: 'bad_request' | 'handler_error';
  message: string;
}
