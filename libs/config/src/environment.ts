import { envOverrides } from './env-overrides';

/**
 * Every environment variable the services read, beyond the per-key overrides. Deployment files are
 * checked against this list, and a test checks that the code reads no variable missing from it.
 */
export const serviceEnvironment: ReadonlyArray<{ env: string; purpose: string }> = [
  { env: 'PORTCULLIS_CONFIG', purpose: 'path of the YAML config (default config/portcullis.yaml)' },
  { env: 'PORTCULLIS_BIND', purpose: 'address the HTTP and protocol listeners bind (default 127.0.0.1)' },
  { env: 'PORTCULLIS_NATS_NAMESPACE', purpose: 'prefix for every NATS subject and stream, to share one NATS' },
  { env: 'PORTCULLIS_DEV_INSECURE_JWKS', purpose: 'set to 1 to allow plain-http JWKS off loopback (development only)' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', purpose: 'where to export traces (OTLP/HTTP); unset: no export' },
  { env: 'LOG_LEVEL', purpose: 'pino log level (default info)' },
  ...envOverrides.map((o) => ({ env: o.env, purpose: `overrides ${o.path.join('.')}` })),
];
