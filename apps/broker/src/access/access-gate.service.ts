import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Action, Channel, Principal } from '@portcullis/contracts';
import { MessagingClient, MessagingError } from '@portcullis/messaging';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { SessionRegistry } from '../sessions/session-registry.service';
import type { AuthOutcome, GateOutcome } from './access-outcome';
import { VerifiedTokens } from './verified-tokens';

/**
 * The broker's questions to identity and policy, shared by every protocol front end. Any failure to get
 * an answer — timeout, no responder, a malformed reply — is a refusal: the broker never lets a command
 * through because it could not ask.
 */
@Injectable()
export class AccessGate implements OnModuleInit {
  private readonly verified = new VerifiedTokens();

  constructor(
    private readonly messaging: MessagingClient,
    private readonly connections: ConnectionRegistry,
    private readonly sessions: SessionRegistry,
  ) {}

  onModuleInit(): void {
    this.sessions.onRevocation(() => this.verified.clear());
  }

  /**
   * Verifies a token with identity. `reuse` (request/response front ends, where one agent sends many
   * requests with one token) accepts identity's answer of the last 30 s; a session that authenticates
   * once at its start always asks.
   */
  async authenticate(token: string, channel: Channel, reuse = false): Promise<AuthOutcome> {
    if (reuse) {
      const known = this.verified.get(token, channel);
      if (known) return { ok: true, principal: known };
    }
    const askedAt = this.verified.generation;
    try {
      const answer = await this.messaging.request('identity.v1.verify', { token, channel });
      if (answer.ok) {
        if (reuse) this.verified.set(token, channel, answer.principal, askedAt);
        return { ok: true, principal: answer.principal };
      }
      return { ok: false, code: 'unauthenticated', reason: answer.reason, detail: answer.detail };
    } catch (err) {
      return { ok: false, code: 'unavailable', detail: describe(err) };
    }
  }

  async decide(principal: Principal, connectionName: string, action: Action): Promise<GateOutcome> {
    const connection = this.connections.find(connectionName);
    if (!connection)
      return { outcome: 'deny', code: 'unknown_connection', detail: `no connection named ${connectionName}` };
    try {
      const decision = await this.messaging.request('policy.v1.decide', {
        principal,
        connection: connection.ref,
        action,
      });
      switch (decision.effect) {
        case 'allow':
          return { outcome: 'allow', decision };
        case 'approval':
          return { outcome: 'approval', decision };
        case 'deny':
          return { outcome: 'deny', code: 'denied', decision };
      }
    } catch (err) {
      return { outcome: 'deny', code: 'unavailable', detail: describe(err) };
    }
  }
}

function describe(err: unknown): string {
  return err instanceof MessagingError ? err.message : 'internal error while asking another service';
}
