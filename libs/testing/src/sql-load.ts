import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** One statement the load sent, and what the client saw. */
export interface LoadStatement {
  tag: string;
  client: number;
  broker: number;
  /** `read` is allowed by the suite's policy; `forbidden` must always be refused. */
  kind: 'read' | 'forbidden';
  sentAt: number;
  doneAt: number;
  ok: boolean;
  error?: string;
  /** SQLSTATE of a refusal or failure, when the server sent one. */
  code?: string;
}

export interface SqlLoadOptions {
  /** The brokers' Postgres ports; clients are spread over them round-robin. */
  ports: number[];
  database: string;
  token: () => Promise<string>;
  clients: number;
  /** Pause between one client's statements. */
  intervalMs: number;
  /** Every n-th statement of a client is one the policy forbids (0: none). */
  forbiddenEvery?: number;
}

/**
 * A steady load of short sessions' statements through the brokers, each tagged so the audit trail can be
 * matched against what the clients saw. Every statement differs in structure (the tag also names a CTE),
 * so none is answered from the broker's decision cache: each one asks policy.
 * A client whose connection drops records why and connects again (to the same broker).
 */
export class SqlLoad {
  readonly statements: LoadStatement[] = [];
  readonly connectionErrors: Array<{ client: number; broker: number; at: number; error: string }> = [];
  /** Open sessions that ended under a client between statements (the error event of the connection). */
  readonly sessionErrors: Array<{ client: number; broker: number; at: number; error: string }> = [];
  private readonly run = randomBytes(3).toString('hex');
  private running = false;
  private loops: Array<Promise<void>> = [];

  constructor(private readonly opts: SqlLoadOptions) {}

  start(): this {
    this.running = true;
    this.loops = Array.from({ length: this.opts.clients }, (_, i) => this.loop(i));
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Statements sent after `since` (ms epoch), optionally of one broker. */
  since(since: number, broker?: number): LoadStatement[] {
    return this.statements.filter((s) => s.sentAt >= since && (broker === undefined || s.broker === broker));
  }

  /** Resolves once at least `n` statements have completed after `since`. */
  async waitFor(n: number, since = 0, timeoutMs = 30000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.statements.filter((s) => s.doneAt >= since).length < n) {
      if (Date.now() > until) throw new Error(`fewer than ${n} statements within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  private async loop(client: number): Promise<void> {
    const broker = client % this.opts.ports.length;
    let seq = 0;
    while (this.running) {
      const c = await this.connect(client, broker);
      if (!c) {
        await sleep(250);
        continue;
      }
      let alive = true;
      c.on('error', (err: Error) => {
        alive = false;
        this.sessionErrors.push({ client, broker, at: Date.now(), error: err.message });
      });
      while (this.running && alive) {
        seq++;
        const forbidden = this.opts.forbiddenEvery ? seq % this.opts.forbiddenEvery === 0 : false;
        const s = await this.statement(c, client, broker, seq, forbidden);
        if (!s.ok && !s.code) alive = false;
        await sleep(this.opts.intervalMs);
      }
      await c.end().catch(() => undefined);
    }
  }

  private async connect(client: number, broker: number): Promise<Client | undefined> {
    const c = new Client({
      host: '127.0.0.1',
      port: this.opts.ports[broker],
      database: this.opts.database,
      user: 'agent',
      password: await this.opts.token(),
      ssl: { rejectUnauthorized: false },
      connectionTimeoutMillis: 10000,
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return c;
    } catch (err) {
      this.connectionErrors.push({ client, broker, at: Date.now(), error: (err as Error).message });
      await c.end().catch(() => undefined);
      return undefined;
    }
  }

  private async statement(
    c: Client,
    client: number,
    broker: number,
    seq: number,
    forbidden: boolean,
  ): Promise<LoadStatement> {
    const tag = `t${this.run}_${client}_${seq}`;
    // The CTE's name is part of the statement's fingerprint (a literal or an alias would not be).
    const sql = forbidden
      ? `WITH c_${tag} AS (SELECT 1) SELECT '${tag}' AS tag, total FROM orders WHERE id = 1`
      : `WITH c_${tag} AS (SELECT 1) SELECT id, '${tag}' AS tag FROM customers WHERE id = 1`;
    const s: LoadStatement = {
      tag,
      client,
      broker,
      kind: forbidden ? 'forbidden' : 'read',
      sentAt: Date.now(),
      doneAt: 0,
      ok: false,
    };
    try {
      await c.query(sql);
      s.ok = true;
    } catch (err) {
      const e = err as { message?: string; code?: string };
      s.error = e.message ?? String(err);
      if (e.code) s.code = e.code;
    }
    s.doneAt = Date.now();
    this.statements.push(s);
    return s;
  }
}

/** The tag a load statement carries in its text, if it is one. */
export function loadTagOf(command: string | null): string | undefined {
  return command ? /'(t[0-9a-f]{6}_\d+_\d+)'/.exec(command)?.[1] : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
