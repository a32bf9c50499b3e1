import type { Channel, Principal } from '@portcullis/contracts';
import type { BrokerConnection } from '../connections/connection-registry.service';

export type SessionEndReason =
  'client_closed' | 'upstream_closed' | 'suspended' | 'token_expired' | 'idle_timeout' | 'shutdown' | 'protocol_error';

/** One agent's live session on one connection, whatever the protocol. */
export interface LiveSession {
  readonly id: string;
  readonly principal: Principal;
  readonly connection: BrokerConnection;
  readonly channel: Channel;
  readonly startedAt: Date;
  /** Ends the session with a protocol-native error carrying `message`; idempotent. */
  terminate(reason: SessionEndReason, message: string): void;
}
