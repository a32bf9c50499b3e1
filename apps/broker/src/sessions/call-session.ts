import { randomUUID } from 'node:crypto';
import type { Channel, Principal } from '@portcullis/contracts';
import type { BrokerConnection } from '../connections/connection-registry.service';
import type { LiveSession } from './session';

/**
 * One request of a request/response front end (an MCP tool call, a proxied HTTP request), seen by the
 * decision pipeline and the audit trail as a short session. Every request is authenticated again, so
 * there is nothing open to end on suspension.
 */
export class CallSession implements LiveSession {
  readonly id = randomUUID();
  readonly startedAt = new Date();

  constructor(
    readonly principal: Principal,
    readonly connection: BrokerConnection,
    readonly channel: Channel,
  ) {}

  terminate(): void {
    // Nothing stays open between requests.
  }
}
