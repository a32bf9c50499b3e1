export const NATS_PROXY = Symbol('NATS_PROXY');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  serviceName: string;
  natsUrl: string;
  requestTimeoutMs: number;
}
