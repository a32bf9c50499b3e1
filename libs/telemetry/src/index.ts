export {
  startTracing,
  stopTracing,
  tracer,
  injectTraceContext,
  extractTraceContext,
  inSpan,
  currentTraceId,
} from './tracing';
export { createLogger, JsonLogger } from './logger';
export { metricsRegistry, startMetrics, natsRequestDuration, natsHandledTotal } from './metrics';
