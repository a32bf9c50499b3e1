// Test-only: records real PostgreSQL traffic through a loopback TCP proxy (this folder is not built).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Upstream {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** One recorded TCP session: every chunk in arrival order, per direction. */
export interface Recording {
  label: string;
  /** Client → server chunks exactly as read from the socket. */
  clientChunks: Buffer[];
  /** Server → client chunks exactly as read from the socket. */
  serverChunks: Buffer[];
}

export const streamOf = (chunks: Buffer[]): Buffer => Buffer.concat(chunks);

/** Upstream from a postgres:// URL (the test harness's PORTCULLIS_POSTGRES_URL). */
export function upstreamFromUrl(url: string): Upstream {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    database: u.pathname.slice(1) || 'postgres',
  };
}

export class RecordingProxy {
  readonly recordings: Recording[] = [];
  private label = 'unlabelled';
  private open = 0;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(upstream: Upstream): Promise<RecordingProxy> {
    const holder: { proxy?: RecordingProxy } = {};
    const server = createServer((client) => holder.proxy!.accept(client, upstream));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy address');
    holder.proxy = new RecordingProxy(server, address.port);
    return holder.proxy;
  }

  /** Runs one workload; every connection it opens is recorded under `label`; waits for them to close. */
  async record(label: string, workload: () => Promise<unknown>): Promise<Recording[]> {
    const before = this.recordings.length;
    this.label = label;
    await workload();
    await this.idle();
    return this.recordings.slice(before);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, upstream: Upstream): void {
    const rec: Recording = { label: this.label, clientChunks: [], serverChunks: [] };
    this.recordings.push(rec);
    this.open++;
    const server = createConnection(upstream.port, upstream.host);
    client.setNoDelay(true);
    server.setNoDelay(true);
    client.on('data', (d) => {
      rec.clientChunks.push(Buffer.from(d));
      server.write(d);
    });
    server.on('data', (d) => {
      rec.serverChunks.push(Buffer.from(d));
      client.write(d);
    });
    let closed = 0;
    const done = () => {
      if (++closed !== 2) return;
      if (--this.open === 0) this.idleWaiters.splice(0).forEach((w) => w());
    };
    client.on('close', done);
    server.on('close', done);
    client.on('end', () => server.end());
    server.on('end', () => client.end());
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  }

  private idle(): Promise<void> {
    // Connections close asynchronously after the workload resolves; give late closes a moment.
    return new Promise((resolve) => {
      const check = () => (this.open === 0 ? resolve() : this.idleWaiters.push(check));
      setTimeout(check, 20);
    });
  }
}

/** Runs psql against the proxy; resolves with stdout (psql's exit status is not checked: errors are recorded on purpose). */
export function runPsql(port: number, upstream: Upstream, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'psql',
      ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', upstream.user, '-d', upstream.database, ...args],
      // sslmode=prefer: psql sends SSLRequest and our server (ssl=off) answers 'N', which we want recorded.
      { env: { ...process.env, PGSSLMODE: 'prefer', PGGSSENCMODE: 'disable', PGAPPNAME: 'pg-wire-test' } },
      (err, stdout) => (err && (err as { code?: unknown }).code === 'ENOENT' ? reject(err) : resolve(stdout)),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

/** pgbench with a table-free script (so no pgbench_* tables are created on the shared server). */
export async function runPgbench(port: number, upstream: Upstream, mode: string, transactions: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-wire-'));
  const script = join(dir, 'select.sql');
  // Same shape as pgbench -S: one random key, one single-row SELECT per transaction.
  writeFileSync(script, '\\set aid random(1, 100000)\nSELECT :aid::int AS aid, 0::int AS abalance;\n');
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        'pgbench',
        [
          '-n',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          upstream.user,
          '-M',
          mode,
          '-t',
          String(transactions),
        ].concat(['-f', script, upstream.database]),
        { env: { ...process.env, PGSSLMODE: 'disable' } },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
