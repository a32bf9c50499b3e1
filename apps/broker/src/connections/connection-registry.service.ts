import { Inject, Injectable } from '@nestjs/common';
import type { ConnectionConfig, LoadedConfig } from '@portcullis/config';
import { resolveSecret } from '@portcullis/config';
import type { ConnectionRef } from '@portcullis/contracts';
import { LOADED_CONFIG } from '@portcullis/runtime';

export interface BrokerConnection {
  ref: ConnectionRef;
  config: ConnectionConfig;
}

/**
 * The connections this broker serves, and the only place downstream credentials are read. They are
 * resolved once at boot, so a missing secret stops the broker with the key named, instead of failing
 * an agent's session later; the values never leave this process.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, BrokerConnection>();
  private readonly credentials = new Map<string, ReadonlyMap<string, string>>();

  constructor(@Inject(LOADED_CONFIG) loaded: LoadedConfig) {
    loaded.config.connections.forEach((c, i) => {
      this.connections.set(c.name, { ref: { name: c.name, type: c.type, tags: c.tags }, config: c });
      const resolved = new Map<string, string>();
      for (const [key, value] of Object.entries(c.credentials)) {
        resolved.set(
          key,
          typeof value === 'string' ? value : resolveSecret(value, `connections[${i}].credentials.${key}`),
        );
      }
      this.credentials.set(c.name, resolved);
    });
  }

  find(name: string): BrokerConnection | undefined {
    return this.connections.get(name);
  }

  /** Only protocol front ends call this, to open the upstream; never log or publish what it returns. */
  credentialsFor(name: string): ReadonlyMap<string, string> {
    const found = this.credentials.get(name);
    if (!found) throw new Error(`unknown connection ${name}`);
    return found;
  }
}
