/**
 * The one exception type this library throws for bad wire input. The broker catches exactly this
 * type to end one session with a protocol error; anything else escaping a decoder would be a bug.
 */
export type FrameErrorCode =
  /** Declared length above the configured limit (checked before any byte of the body is buffered). */
  | 'too_large'
  /** Declared length that cannot be a frame at all (below the header size, negative). */
  | 'bad_length'
  /** The frame is complete but its body does not follow the message grammar. */
  | 'malformed'
  /** A startup frame asking for a protocol (or request code) we do not speak. */
  | 'unsupported_protocol';

/** SQLSTATE the broker should report for each code (08P01 protocol_violation, 0A000 feature_not_supported). */
const SQLSTATE: Readonly<Record<FrameErrorCode, string>> = {
  too_large: '08P01',
  bad_length: '08P01',
  malformed: '08P01',
  unsupported_protocol: '0A000',
};

export class FrameError extends Error {
  override readonly name = 'FrameError';
  readonly sqlState: string;

  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
    this.sqlState = SQLSTATE[code];
  }
}

/** Shorthand used by every decoder: body grammar violations are always 'malformed'. */
export function malformed(message: string): FrameError {
  return new FrameError('malformed', message);
}
