import { randomUUID } from 'node:crypto';
import type { Principal } from '@portcullis/contracts';
import type { BrokerConnection } from '../connections/connection-registry.service';
import type { LiveSession } from '../sessions/session';

/** One MCP tool call, seen by the decision pipeline and the audit trail as a short session. */
export class McpCallSession implements LiveSession {
  readonly id = randomUUID();
  readonly channel = 'mcp' as const;
  readonly startedAt = new Date();

  constructor(
    readonly principal: Principal,
    readonly connection: BrokerConnection,
  ) {}

  terminate(): void {
    // A call has nothing open between requests; the next call is authenticated again.
  }
}
