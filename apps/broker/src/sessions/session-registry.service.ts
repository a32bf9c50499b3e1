import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { PrincipalSuspended } from '@portcullis/contracts';
import { EventBus, MessagingClient } from '@portcullis/messaging';
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
  private readonly revocationListeners: Array<() => void> = [];

  constructor(
    private readonly events: EventBus,
    private readonly messaging: MessagingClient,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe('identity.v1.principal-suspended', (e) => this.onSuspension(e));
    await this.events.onReconnect(() => void this.reconcile());
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

  /**
   * Caches of what identity or policy said (verified tokens, decisions) register here, and are dropped on
   * every suspension and whenever this broker may have missed one.
   */
  onRevocation(listener: () => void): void {
    this.revocationListeners.push(listener);
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Back on NATS after an outage: a suspension announced meanwhile never arrived. Drop the caches and ask
   * identity about every principal with a live session, retrying until it answers.
   */
  private async reconcile(attempt = 0): Promise<void> {
    for (const l of this.revocationListeners) l();
    const principals = new Map<string, { principalId: string; tenant: string | null }>();
    for (const { session } of this.sessions.values()) {
      const p = session.principal;
      principals.set(`${p.tenant ?? ''}/${p.id}`, { principalId: p.id, tenant: p.tenant });
    }
    if (principals.size === 0) return;
    try {
      const { suspended } = await this.messaging.request('identity.v1.check-suspensions', {
        principals: [...principals.values()].slice(0, 10000),
      });
      const at = new Date().toISOString();
      for (const s of suspended)
        this.onSuspension({
          ...s,
          suspended: true,
          reason: 'suspended while this gateway was cut off',
          by: 'identity',
          at,
        });
    } catch (err) {
      this.logger.warn(`cannot check suspensions after reconnecting (${(err as Error).message}); retrying`);
      setTimeout(() => void this.reconcile(attempt + 1), Math.min(500 * 2 ** attempt, 10_000)).unref();
    }
  }

  private onSuspension(e: PrincipalSuspended): void {
    for (const l of this.revocationListeners) l();
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
