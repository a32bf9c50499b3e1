// Shared by the audit e2e suites: events as brokers publish them, a raw JetStream publisher in the
// stack's namespace, a database client for looking at (and tampering with) the store, polling helpers.
// Only specs may import the stack harness, so these take the parts of a stack they need.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@portcullis/contracts';
import { connect, JSONCodec, type JetStreamClient, type NatsConnection } from 'nats';
import { Client } from 'pg';

const codec = JSONCodec();

export function auditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    type: 'command.decided',
    source: 'broker',
    principal: { id: 'agent-1', kind: 'agent', tenant: 't1', appId: 'app-1', groups: ['g-readers'] },
    channel: 'postgres',
    connection: 'orders-db',
    sessionId: 's-1',
    command: 'SELECT * FROM orders',
    decision: 'allow',
    ruleIds: ['readers-select'],
    ...overrides,
  };
}

export class RawPublisher {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly namespace: string,
  ) {}

  static async open(natsUrl: string, namespace: string): Promise<RawPublisher> {
    const nc = await connect({ servers: [natsUrl] });
    return new RawPublisher(nc, nc.jetstream(), namespace);
  }

  subject(type: string): string {
    return `${this.namespace}.audit.v1.${type}`;
  }

  /** Publishes with acks pipelined, `window` at a time; msgID defaults to the event id, as the broker does. */
  async publish(events: AuditEvent[], opts: { msgId?: (e: AuditEvent) => string; window?: number } = {}) {
    const window = opts.window ?? 500;
    for (let i = 0; i < events.length; i += window) {
      await Promise.all(
        events
          .slice(i, i + window)
          .map((e) => this.js.publish(this.subject(e.type), codec.encode(e), { msgID: opts.msgId?.(e) ?? e.id })),
      );
    }
  }

  async publishRaw(type: string, data: Uint8Array): Promise<void> {
    await this.js.publish(this.subject(type), data);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/**
 * Audit config for a test stack: a small stream (JetStream reserves max_bytes up front, so 10 GiB per
 * leftover test stream soon exhausts the server) plus whatever the suite needs.
 */
export function testAuditConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { stream, ...rest } = extra as { stream?: Record<string, unknown> };
  return { stream: { maxBytes: 256 * 1024 * 1024, ...stream }, ...rest };
}

export async function openDb(databaseUrl: string): Promise<Client> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  return c;
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

export async function countEvents(db: Client, where = 'true', params: unknown[] = []): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM audit.events WHERE ${where}`, params);
  return r.rows[0].n as number;
}

export function auditApi(httpPort: number) {
  const base = `http://127.0.0.1:${httpPort}`;
  return async (path: string, token?: string): Promise<Response> =>
    fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}
