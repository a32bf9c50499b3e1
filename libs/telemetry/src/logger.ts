import type { LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

// Defence in depth: these keys never reach a log line even if a caller passes a whole object.
const REDACTED_KEYS = [
  'token',
  'password',
  'secret',
  'authorization',
  'accessToken',
  'clientSecret',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.accessToken',
  '*.clientSecret',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(service: string): Logger {
  return pino({
    base: { service: `portcullis-${service}` },
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
    },
  });
}

const FRAMEWORK_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's logger interface over pino, so framework messages come out as the same JSON lines. */
export class JsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    // Nest lists every module and route at boot; useful when debugging, noise in production logs.
    if (context !== undefined && FRAMEWORK_CHATTER.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, ...rest: unknown[]): void {
    const stack = typeof rest[0] === 'string' && rest.length > 1 ? rest[0] : undefined;
    this.logger.error(
      { context: contextOf(rest), stack },
      message instanceof Error ? message.message : String(message),
    );
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn({ context: contextOf(rest) }, String(message));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug({ context: contextOf(rest) }, String(message));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.trace({ context: contextOf(rest) }, String(message));
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest[rest.length - 1];
  return typeof last === 'string' ? last : undefined;
}
