import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver answered. */
  status: number;
}

/**
 * A real HTTP webhook receiver for tests: records every request and answers each path with the status
 * the test sets (200 unless told otherwise), so a test can play a healthy or a broken receiver.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  private readonly statusByPath = new Map<string, number>();
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const status = this.statusByPath.get(path) ?? 200;
        this.received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          status,
        });
        res.statusCode = status;
        res.end(res.statusCode < 300 ? 'ok' : 'receiver is broken');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  answer(path: string, status: number): void {
    this.statusByPath.set(path, status);
  }

  on(path: string): ReceivedHook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Hooks on `path` whose JSON body matches, waiting until there are at least `count`. */
  async waitFor(
    path: string,
    match: (body: Record<string, unknown>, hook: ReceivedHook) => boolean,
    count = 1,
    timeoutMs = 10000,
  ): Promise<ReceivedHook[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.on(path).filter((r) => match(JSON.parse(r.body) as Record<string, unknown>, r));
      if (hits.length >= count) return hits;
      if (Date.now() > until) throw new Error(`expected ${count} hook(s) on ${path}, got ${hits.length}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
