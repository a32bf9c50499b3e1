/**
 * The Kubernetes remote-command WebSocket framing: every message starts with a channel number — stdin 0,
 * stdout 1, stderr 2, error 3, resize 4, and in v5 a close signal 255 — as one byte (binary protocols) or
 * one ASCII digit followed by base64 data (the base64 protocols browsers use).
 */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5: the client closes one of its streams (the byte after it names which). */
export const CLOSE = 255;

/** The channel protocols the broker can read, newest first, as kubectl offers them. */
export const CHANNEL_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'base64.channel.k8s.io',
] as const;

export interface ChannelFrame {
  channel: number;
  data: Buffer;
}

export class ChannelCodec {
  readonly base64: boolean;
  /** v4 and later send the error channel as a JSON Status; older ones as plain text. */
  readonly statusErrors: boolean;

  constructor(readonly protocol: string) {
    this.base64 = protocol.includes('base64');
    this.statusErrors = /^v[45]\./.test(protocol);
  }

  static reads(protocol: string): boolean {
    return (CHANNEL_PROTOCOLS as readonly string[]).includes(protocol);
  }

  decode(message: Buffer): ChannelFrame | undefined {
    if (message.length === 0) return undefined;
    if (!this.base64) return { channel: message[0] as number, data: message.subarray(1) };
    const digit = (message[0] as number) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    return { channel: digit, data: Buffer.from(message.subarray(1).toString('latin1'), 'base64') };
  }

  encode(channel: number, data: Buffer | string): Buffer {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (!this.base64) return Buffer.concat([Buffer.from([channel]), bytes]);
    return Buffer.from(`${String.fromCharCode(0x30 + channel)}${bytes.toString('base64')}`, 'latin1');
  }

  /** The error-channel message that makes kubectl print `message` and exit non-zero. */
  failure(message: string, code = 403, details?: { causes: Array<{ reason: string; message: string }> }): Buffer {
    if (!this.statusErrors) return this.encode(ERROR, message);
    const status = {
      metadata: {},
      status: 'Failure',
      message,
      reason: code === 503 ? 'ServiceUnavailable' : 'Forbidden',
      code,
      ...(details ? { details } : {}),
    };
    return this.encode(ERROR, JSON.stringify(status));
  }
}
