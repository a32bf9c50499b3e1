import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { Pool } from 'pg';
import { AccessGate } from '../access/access-gate.service';
import { ConnectionRegistry, type BrokerConnection } from '../connections/connection-registry.service';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline } from '../pipeline/command-pipeline.service';
import { MaskerCache } from '../pipeline/masker-cache';
import { SessionRegistry } from '../sessions/session-registry.service';
import { TlsMaterialProvider } from '../tls/tls-material.service';
import { CancelKeys } from './cancel-keys';
import { ColumnCatalog } from './column-catalog';
import type { PgFrontEndDeps } from './pg-deps';
import { PgClientSession } from './pg-client-session';
import {
  postgresCredentialsOf,
  postgresTargetOf,
  type PostgresCredentials,
  type PostgresTarget,
} from './postgres-target';

/**
 * The Postgres wire listener: agents connect with any Postgres client, the connection name as the
 * database and their access token as the password. Targets and credentials of every postgres connection
 * are checked at start, so a bad one stops the broker with its key named rather than failing an agent.
 */
@Injectable()
export class PostgresFrontEnd implements OnApplicationBootstrap, OnApplicationShutdown, PgFrontEndDeps {
  private readonly logger = new Logger(PostgresFrontEnd.name);
  private server?: Server;
  private context?: SecureContext;
  private readonly targets = new Map<string, { target: PostgresTarget; credentials: PostgresCredentials }>();
  private readonly catalogs = new Map<string, ColumnCatalog>();
  readonly cancelKeys = new CancelKeys();
  readonly maxStatementBytes: number;
  readonly idleTimeoutMs: number;

  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    readonly gate: AccessGate,
    readonly pipeline: CommandPipeline,
    readonly audit: CommandAudit,
    readonly registry: SessionRegistry,
    readonly connections: ConnectionRegistry,
    readonly maskers: MaskerCache,
    private readonly tls: TlsMaterialProvider,
  ) {
    this.maxStatementBytes = loaded.config.broker.maxStatementBytes;
    this.idleTimeoutMs = loaded.config.broker.idleTimeoutSeconds * 1000;
    loaded.config.connections.forEach((c, i) => {
      if (c.type !== 'postgres') return;
      this.targets.set(c.name, {
        target: postgresTargetOf(c, i),
        credentials: postgresCredentialsOf(connections.credentialsFor(c.name), c.name),
      });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.loaded.config.services.broker.postgresPort;
    const host = process.env.PORTCULLIS_BIND ?? '127.0.0.1';
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.logger.log(`Postgres listener on ${host}:${port} (${this.targets.size} connections)`);
  }

  private accept(socket: Socket): void {
    new PgClientSession(socket, this).run().catch((err: Error) => {
      this.logger.error(`session failed: ${err.message}`);
      socket.destroy();
    });
  }

  secureContext(): SecureContext {
    if (!this.context) {
      const m = this.tls.get();
      this.context = createSecureContext({ cert: m.cert, key: m.key, minVersion: 'TLSv1.2' });
    }
    return this.context;
  }

  targetOf(connection: BrokerConnection): { target: PostgresTarget; credentials: PostgresCredentials } {
    const t = this.targets.get(connection.ref.name);
    if (!t) throw new Error(`no postgres target for ${connection.ref.name}`);
    return t;
  }

  catalogFor(connection: BrokerConnection): ColumnCatalog {
    let c = this.catalogs.get(connection.ref.name);
    if (!c) {
      const { target, credentials } = this.targetOf(connection);
      const pool = new Pool({
        host: target.host,
        port: target.port,
        database: target.database,
        user: credentials.user,
        password: credentials.password,
        max: 2,
        idleTimeoutMillis: 30000,
        ssl:
          target.tls === 'disable'
            ? false
            : { rejectUnauthorized: target.tls === 'verify-full', ...(target.ca ? { ca: target.ca } : {}) },
      });
      pool.on('error', () => undefined);
      c = new ColumnCatalog(pool);
      this.catalogs.set(connection.ref.name, c);
    }
    return c;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await Promise.all([...this.catalogs.values()].map((c) => c.close()));
  }
}
