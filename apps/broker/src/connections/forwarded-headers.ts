/**
 * Request and response headers no proxying front end passes on: the connection-specific ones (RFC 9110
 * §7.6.1) and the agent's own credentials, which must never reach a target.
 */
export const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'authorization',
  'cookie',
  'host',
]);
