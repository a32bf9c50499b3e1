import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/**
 * A NATS, Redis or PostgreSQL of a test's own, on a free loopback port, with its data in a temporary
 * directory: a test may stop, kill and restart it without disturbing anyone else's. `stop` removes it.
 */
export interface PrivateServer {
  url: string;
  port: number;
  /** Stops it (SIGKILL with `hard`), keeping its data, and waits until the port is closed. */
  halt(opts?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  resume(): Promise<void>;
  /** halt, then resume. */
  restart(opts?: { hard?: boolean }): Promise<void>;
  /** Stops it for good and removes its data. */
  stop(): Promise<void>;
}

interface Daemon {
  start(): ChildProcess | void;
  halt(child: ChildProcess | void, hard: boolean): Promise<void>;
}

/** Resolves once the loopback port accepts connections (`up`) or refuses them. */
export async function waitForPort(port: number, up: boolean, timeoutMs = 20000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const open = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not ${up ? 'open' : 'close'} within ${timeoutMs} ms`);
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function signalAndWait(child: ChildProcess | void, hard: boolean): Promise<void> {
  if (!child) return;
  child.kill(hard ? 'SIGKILL' : 'SIGTERM');
  await exitOf(child);
}

function managed(url: string, port: number, dir: string, daemon: Daemon): PrivateServer {
  let child: ChildProcess | void = undefined;
  let running = false;
  const server: PrivateServer = {
    url,
    port,
    async halt(opts = {}) {
      if (!running) return;
      running = false;
      await daemon.halt(child, opts.hard ?? false);
      await waitForPort(port, false);
    },
    async resume() {
      if (running) return;
      child = daemon.start();
      running = true;
      await waitForPort(port, true);
    },
    async restart(opts = {}) {
      await server.halt(opts);
      await server.resume();
    },
    async stop() {
      await server.halt({ hard: true }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

const quiet = { stdio: 'ignore' as const };

/** nats-server with JetStream, its store on disk (an acknowledged event survives a restart). */
export async function startPrivateNats(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nats-'));
  const server = managed(`nats://127.0.0.1:${port}`, port, dir, {
    start: () => spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], quiet),
    halt: signalAndWait,
  });
  await server.resume();
  return server;
}

/** redis-server keeping nothing on disk: a restart loses every key, as a cache may. */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const server = managed(`redis://127.0.0.1:${port}`, port, dir, {
    start: () => spawn('redis-server', args, quiet),
    halt: signalAndWait,
  });
  await server.resume();
  return server;
}

const PG_BIN = process.env.PORTCULLIS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Runs a PostgreSQL tool as the `postgres` user when we are root (PostgreSQL refuses to run as root). */
function pgTool(tool: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]]
    : [join(PG_BIN, tool), args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** A throwaway PostgreSQL cluster (initdb, trust on loopback) with a `portcullis` database. */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const data = join(dir, 'data');
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const server = managed(`postgres://postgres@127.0.0.1:${port}/portcullis`, port, dir, {
    start: () => pgTool('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']),
    // immediate: like a crash, no checkpoint; fast: a clean restart that still cuts every connection.
    halt: async (_child, hard) => pgTool('pg_ctl', ['-D', data, '-m', hard ? 'immediate' : 'fast', '-w', 'stop']),
  });
  await server.resume();
  pgTool('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'portcullis']);
  return server;
}
