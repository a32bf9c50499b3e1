import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';

const root = repoRoot();

export interface ServiceProcess {
  name: string;
  httpPort: number;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait for exit (SIGKILL after a grace period). */
  stop(): Promise<number | null>;
  signal(sig: NodeJS.Signals): void;
  exited(): Promise<number | null>;
  /** The process has not exited (nor been killed). */
  alive(): boolean;
}

/**
 * Runs one built service (or tool) as its own process, like production does. Needs `npm run build`
 * (npm test builds first).
 */
export function spawnService(
  app: string,
  opts: { configPath: string; httpPort: number; env?: Record<string, string>; entry?: string },
): ServiceProcess {
  const entry = join(root, 'dist', opts.entry ?? `apps/${app}/src/main.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  const child = spawn(process.execPath, ['--enable-source-maps', entry], {
    cwd: root,
    env: {
      ...process.env,
      PORTCULLIS_CONFIG: opts.configPath,
      [`PORTCULLIS_${app.toUpperCase()}_HTTP_PORT`]: String(opts.httpPort),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));

  return {
    name: app,
    httpPort: opts.httpPort,
    child,
    output: () => out,
    exited: () => exit,
    alive: () => child.exitCode === null && child.signalCode === null,
    signal: (sig) => {
      if (child.exitCode === null) child.kill(sig);
    },
    // Generous: on a 2-core machine a service may start beside a dozen others and a test run.
    async waitReady(timeoutMs = 60000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}:\n${out}`);
        try {
          const res = await fetch(`http://127.0.0.1:${opts.httpPort}/readyz`);
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${app} not ready after ${timeoutMs} ms:\n${out}`);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
