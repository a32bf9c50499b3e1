import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, resolveSecret, SecretResolutionError, type LoadedConfig } from '@portcullis/config';
import { natsMicroservice } from '@portcullis/messaging';
import { createLogger, JsonLogger, startMetrics, stopTracing } from '@portcullis/telemetry';
import type { DynamicModule } from '@nestjs/common';
import type { Dependency } from './dependency-hints';
import { preflight } from './preflight';

export interface ServiceDefinition {
  name: string;
  dependencies: Dependency[];
  module: (loaded: LoadedConfig) => DynamicModule;
  httpPort: (loaded: LoadedConfig) => number;
}

/**
 * Starts one service: config, dependency checks, the HTTP app and the NATS request transport sharing
 * its pipes and filters (inheritAppConfig), graceful shutdown on SIGTERM. Any failure before the service
 * is up prints one clear line and exits non-zero.
 */
export async function runService(def: ServiceDefinition): Promise<void> {
  const log = createLogger(def.name);
  startMetrics(def.name);
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig();
    const { config } = loaded;
    const pgPassword = config.postgres.password
      ? resolveSecret(config.postgres.password, 'postgres.password')
      : undefined;
    const missing = await preflight(def.dependencies, {
      natsUrl: config.nats.url,
      postgresUrl: config.postgres.url,
      postgresPassword: pgPassword,
      redisUrl: config.redis.url,
    });
    if (missing.length > 0)
      return fail(
        log,
        missing.map((m) => m.message),
      );
  } catch (err) {
    if (err instanceof ConfigError) return fail(log, err.problems);
    if (err instanceof SecretResolutionError) return fail(log, [err.message]);
    throw err;
  }

  const app = await NestFactory.create(def.module(loaded), { logger: new JsonLogger(log), bufferLogs: true });
  app.connectMicroservice(natsMicroservice(loaded.config.nats.url, def.name), { inheritAppConfig: true });
  await app.startAllMicroservices();
  const port = def.httpPort(loaded);
  await app.listen(port, process.env.PORTCULLIS_BIND ?? '127.0.0.1');
  log.info({ port, config: loaded.path }, `${def.name} ready`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${def.name} shutting down`);
    await app.close();
    await stopTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function fail(log: ReturnType<typeof createLogger>, problems: string[]): never {
  for (const p of problems) {
    log.fatal(p);
    process.stderr.write(`portcullis: ${p}\n`);
  }
  process.exit(2);
}
