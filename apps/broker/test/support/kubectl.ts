// The real kubectl against the broker: a kubeconfig per test directory, kubectl run without blocking the
// test's event loop (the stand-in cluster lives in this process), and raw HTTPS requests for what kubectl
// would never send.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Kubectl {
  dir: string;
  run(
    args: string[],
    opts?: { token?: string | null; timeoutMs?: number; env?: Record<string, string> },
  ): Promise<KubectlResult>;
  /** A kubectl left running (exec of a long command), for tests that end it from outside. */
  start(args: string[], token?: string): ChildProcess;
  cleanup(): void;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `server: https://127.0.0.1:<port>/k8s/<connection>`, the broker's development certificate accepted. */
export function kubectlFor(port: number, connection: string, token: () => Promise<string>): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-kubectl-'));
  const config = (t: string | null) => {
    const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
    const user = t === null ? '{}' : `{ token: "${t}" }`;
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: gw, cluster: { server: "https://127.0.0.1:${port}/k8s/${connection}", insecure-skip-tls-verify: true } }]`,
        `users: [{ name: agent, user: ${user} }]`,
        'contexts: [{ name: gw, context: { cluster: gw, user: agent, namespace: default } }]',
        'current-context: gw',
      ].join('\n'),
    );
    return path;
  };
  const env = { ...process.env, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  return {
    dir,
    async run(args, opts = {}) {
      const t = opts.token === undefined ? await token() : opts.token;
      const kc = config(t);
      return new Promise((resolve) => {
        // stdin closed: kubectl without credentials would otherwise wait at a password prompt.
        const child = spawn('kubectl', ['--kubeconfig', kc, ...args], {
          env: { ...env, ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code: code ?? 1, stdout, stderr });
        });
      });
    },
    start(args, t) {
      return spawn('kubectl', ['--kubeconfig', config(t ?? null), ...args], { env });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One raw HTTPS request to the broker's Kubernetes listener. */
export function brokerRequest(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An audit event as published, with the fields the tests read. */
export interface StoredEvent extends Record<string, unknown> {
  type: string;
  sessionId?: string;
  outcome?: string;
  detail?: { command?: string[] } & Record<string, unknown>;
}

/** Audit events (as published) stored by the audit service matching `query`, polled until `until` holds (or ~10 s pass). */
export async function storedEvents(
  auditPort: number,
  auditorToken: string,
  query: Record<string, string>,
  until: (events: StoredEvent[]) => boolean = (e) => e.length > 0,
): Promise<StoredEvent[]> {
  let events: StoredEvent[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${auditPort}/v1/events?${new URLSearchParams(query)}`, {
      headers: { authorization: `Bearer ${auditorToken}` },
    });
    events = res.ok ? ((await res.json()) as { items: Array<{ event: StoredEvent }> }).items.map((i) => i.event) : [];
    if (until(events)) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
  return events;
}
