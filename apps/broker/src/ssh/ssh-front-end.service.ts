import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { Server, type ClientInfo, type Connection } from 'ssh2';
import { AccessGate } from '../access/access-gate.service';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline } from '../pipeline/command-pipeline.service';
import { MaskerCache } from '../pipeline/masker-cache';
import { SessionRegistry } from '../sessions/session-registry.service';
import { SshClientSession } from './ssh-client-session';
import type { SshFrontEndDeps } from './ssh-deps';
import { loadSshHostKey, type SshHostKey } from './ssh-host-key';
import { sshCredentialsOf, sshTargetOf, type SshCredentials, type SshTarget } from './ssh-target';

/**
 * The SSH listener: agents run `ssh -p 12222 <connection>@<broker> <command>` with their access token as
 * the password. Targets and credentials of every ssh connection, and the host key, are checked at start,
 * so a bad one stops the broker with its key named rather than failing an agent.
 */
@Injectable()
export class SshFrontEnd implements OnApplicationBootstrap, OnApplicationShutdown, SshFrontEndDeps {
  private readonly logger = new Logger(SshFrontEnd.name);
  private readonly targets = new Map<string, { target: SshTarget; credentials: SshCredentials }>();
  private readonly hostKey: SshHostKey;
  private server?: Server;

  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    readonly gate: AccessGate,
    readonly pipeline: CommandPipeline,
    readonly audit: CommandAudit,
    readonly registry: SessionRegistry,
    readonly connections: ConnectionRegistry,
    readonly maskers: MaskerCache,
  ) {
    loaded.config.connections.forEach((c, i) => {
      if (c.type !== 'ssh') return;
      this.targets.set(c.name, {
        target: sshTargetOf(c, i),
        credentials: sshCredentialsOf(connections.credentialsFor(c.name), c.name),
      });
    });
    this.hostKey = loadSshHostKey(loaded);
  }

  /** `SHA256:…` of the listener's host key, which clients (and the broker's own MCP tools) pin. */
  get hostKeyFingerprint(): string {
    return this.hostKey.fingerprint;
  }

  targetOf(name: string): { target: SshTarget; credentials: SshCredentials } | undefined {
    return this.targets.get(name);
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.loaded.config.services.broker.sshPort;
    const host = process.env.PORTCULLIS_BIND ?? '127.0.0.1';
    this.server = new Server({ hostKeys: [this.hostKey.key], ident: 'Portcullis' }, (conn, info) =>
      this.accept(conn, info),
    );
    // A client that fails before its connection object exists (bad banner, broken key exchange) ends here.
    this.server.on('error', (err: Error) => this.logger.warn(`SSH client failed: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.logger.log(
      `SSH listener on ${host}:${port} (${this.targets.size} connections), host key ${this.hostKey.fingerprint} from ${this.hostKey.source}`,
    );
  }

  private accept(conn: Connection, info: ClientInfo): void {
    try {
      new SshClientSession(conn, info, this);
    } catch (err) {
      this.logger.error(`SSH session failed: ${(err as Error).message}`);
      conn.end();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
