import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, resolveSecret, SecretResolutionError, type LoadedConfig } from '@portcullis/config';
import { natsMicroservice } from '@portcullis/messaging';
import { createLogger, JsonLogger, startMetrics, stopTracing } from '@portcullis/telemetry';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Dependency } from './dependency-hints';
import { preflight } from './preflight';

export interface ServiceDefinition {
  name: string;
  dependencies: Dependency[];
  /** May throw ConfigError for the service's own config section: it is reported like any other. */
  module: (loaded: LoadedConfig) => DynamicModule;
  httpPort: (loaded: LoadedConfig) => number;
  /** Serves an OpenAPI document at /docs-json and Swagger UI at /docs. */
  openApi?: { title: string; description: string };
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

  let root: DynamicModule;
  try {
    root = def.module(loaded);
  } catch (err) {
    if (err instanceof ConfigError) return fail(log, err.problems);
    if (err instanceof SecretResolutionError) return fail(log, [err.message]);
    throw err;
  }
  let app: INestApplication;
  try {
    app = await NestFactory.create(root, {
      logger: new JsonLogger(log),
      bufferLogs: true,
      abortOnError: false,
      rawBody: true,
    });
  } catch (err) {
    // Providers resolve secrets and validate their sections when constructed: report those like config.
    if (err instanceof ConfigError) return fail(log, err.problems);
    if (err instanceof SecretResolutionError) return fail(log, [err.message]);
    return fail(log, [`${def.name} failed to start: ${(err as Error).message}`]);
  }
  if (def.openApi) serveOpenApi(app, def.openApi);
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

function serveOpenApi(app: INestApplication, doc: { title: string; description: string }): void {
  const config = new DocumentBuilder()
    .setTitle(doc.title)
    .setDescription(doc.description)
    .setVersion('1')
    .addBearerAuth()
    .build();
  // A factory: the document is built on first request, once every controller is registered.
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
}

function fail(log: ReturnType<typeof createLogger>, problems: string[]): never {
  for (const p of problems) {
    log.fatal(p);
    process.stderr.write(`portcullis: ${p}\n`);
  }
  process.exit(2);
}
