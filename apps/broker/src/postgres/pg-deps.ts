import type { SecureContext } from 'node:tls';
import type { AccessGate } from '../access/access-gate.service';
import type { BrokerConnection, ConnectionRegistry } from '../connections/connection-registry.service';
import type { CommandAudit } from '../pipeline/command-audit.service';
import type { CommandPipeline } from '../pipeline/command-pipeline.service';
import type { SessionRegistry } from '../sessions/session-registry.service';
import type { MaskerCache } from '../pipeline/masker-cache';
import type { CancelKeys } from './cancel-keys';
import type { ColumnCatalog } from './column-catalog';
import type { PostgresCredentials, PostgresTarget } from './postgres-target';

/** What a Postgres client session needs from the broker; provided by the Postgres front end. */
export interface PgFrontEndDeps {
  gate: AccessGate;
  pipeline: CommandPipeline;
  audit: CommandAudit;
  registry: SessionRegistry;
  connections: ConnectionRegistry;
  cancelKeys: CancelKeys;
  maskers: MaskerCache;
  secureContext(): SecureContext;
  catalogFor(connection: BrokerConnection): ColumnCatalog;
  targetOf(connection: BrokerConnection): { target: PostgresTarget; credentials: PostgresCredentials };
  maxStatementBytes: number;
  idleTimeoutMs: number;
}
