import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per process, labelled with the service, served at /metrics. */
export const metricsRegistry = new Registry();
let started = false;

export function startMetrics(service: string): void {
  if (started) return;
  started = true;
  metricsRegistry.setDefaultLabels({ service: `portcullis-${service}` });
  collectDefaultMetrics({ register: metricsRegistry });
}

export const natsRequestDuration = new Histogram({
  name: 'portcullis_nats_request_duration_seconds',
  help: 'Round trip of request/reply calls to other services, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25, 1, 5],
  registers: [metricsRegistry],
});

export const natsHandledTotal = new Counter({
  name: 'portcullis_nats_handled_total',
  help: 'Requests handled by this service, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  registers: [metricsRegistry],
});
