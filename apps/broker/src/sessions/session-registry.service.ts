import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { PrincipalSuspended } from '@portcullis/contracts';
import { EventBus } from '@portcullis/messaging';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '@portcullis/telemetry';
import type { LiveSession } from './session';

const liveSessions = new Gauge({
  name: 'portcullis_broker_sessions',
  help: 'Live sessions on this broker, by channel',
  labelNames: ['channel'],
  registers: [metricsRegistry],
});

/**
 * Every live session on this broker, so they can be ended from outside the protocol: when identity
 * suspends the principal (every broker replica hears it), when the token expires, and on shutdown.
 */
@Injectable()
export class SessionRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly sessions = new Map<string, { session: LiveSession; expiry: NodeJS.Timeout }>();
  private readonly suspensionListeners: Array<(e: PrincipalSuspended) => void> = [];

  constructor(private readonly events: EventBus) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe('identity.v1.principal-suspended', (e) => this.onSuspension(e));
  }

  /** Tracks a session until the returned function is called (when the session ends by itself). */
  register(session: LiveSession): () => void {
    const msLeft = session.principal.expiresAt * 1000 - Date.now();
    const expiry = setTimeout(
      () => session.terminate('token_expired', 'the access token has expired; reconnect with a new token'),
      Math.max(0, msLeft),
    );
    expiry.unref();
    this.sessions.set(session.id, { session, expiry });
    liveSessions.inc({ channel: session.channel });
    return () => {
      const entry = this.sessions.get(session.id);
      if (!entry) return;
      clearTimeout(entry.expiry);
      this.sessions.delete(session.id);
      liveSessions.dec({ channel: session.channel });
    };
  }

  /** Other parts of the broker (the decision cache) also react to suspensions. */
  onSuspended(listener: (e: PrincipalSuspended) => void): void {
    this.suspensionListeners.push(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  private onSuspension(e: PrincipalSuspended): void {
    for (const l of this.suspensionListeners) l(e);
    if (!e.suspended) return;
    for (const { session } of this.sessions.values()) {
      const p = session.principal;
      if (p.id === e.principalId && (e.tenant === null || e.tenant === p.tenant)) {
        this.logger.warn(`ending session ${session.id}: principal ${p.id} suspended`);
        session.terminate('suspended', `the identity was suspended: ${e.reason}`);
      }
    }
  }

  onApplicationShutdown(): void {
    for (const { session } of [...this.sessions.values()])
      session.terminate('shutdown', 'the gateway is shutting down; reconnect');
  }
}
