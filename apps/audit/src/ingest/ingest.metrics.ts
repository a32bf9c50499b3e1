import { metricsRegistry } from '@portcullis/telemetry';
import { Counter, Histogram } from 'prom-client';

export const ingestedTotal = new Counter({
  name: 'portcullis_audit_ingested_total',
  help: 'Audit messages taken from the stream, by outcome (stored, duplicate, rejected)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

export const ingestBatchSeconds = new Histogram({
  name: 'portcullis_audit_batch_seconds',
  help: 'Time to append one batch to the chain and acknowledge it, retries included',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [metricsRegistry],
});
