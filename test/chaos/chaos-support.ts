// Shared by the chaos suites: the policy they run under, the approval and identity APIs, the audit
// chain check, and a log of measured recovery times (printed at the end, copied into docs/operations.md).
import type { Stack } from '@portcullis/testing';
import { processMetrics, targetConnection } from '@portcullis/testing';

/** Reads on customers allowed; everything else (orders reads included) denied; order updates need a DBA. */
export function chaosConfig(target: { url: string; name: string }, extra: Record<string, unknown> = {}) {
  return {
    connections: [targetConnection('shop', target)],
    policies: [
      { id: 'connect', effect: 'allow', actions: ['connect'] },
      {
        id: 'read-customers',
        effect: 'allow',
        actions: ['sql'],
        sql: { categories: ['read'], onlyRelations: ['customers'] },
      },
      {
        id: 'orders-writes-need-dba',
        effect: 'approval',
        actions: ['sql'],
        sql: { categories: ['write'], onlyRelations: ['orders'] },
        approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 90 },
      },
    ],
    // A killed audit replica's unacknowledged events come back to the other one after this long.
    audit: { stream: { maxBytes: 64 * 1024 * 1024 }, consumer: { ackWaitSeconds: 2 } },
    ...extra,
  };
}

export async function api(
  port: number,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** Polls `probe` until it returns something other than undefined (errors count as "not yet"). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms (${String(last ?? '')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function pendingApproval(port: number, alice: string, command: string): Promise<{ id: string }> {
  return eventually(`a pending approval for ${command}`, async () => {
    const r = await api(port, alice, 'GET', '/v1/approvals?status=pending');
    return (r.body as Array<{ id: string; command: string }>).find((a) => a.command === command);
  });
}

export async function verifyChain(stack: Stack, bob: string): Promise<{ ok: boolean; checked: number }> {
  const r = await api(stack.services.audit.httpPort, bob, 'GET', '/v1/audit/verify');
  return r.body as { ok: boolean; checked: number };
}

/** How many requests of a subject one replica has handled, from its /metrics. */
export async function handled(port: number, subject: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  let n = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('portcullis_nats_handled_total{') && line.includes(`subject="${subject}"`))
      n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

export { processMetrics };

const figures: string[] = [];

/** Records a measured figure (a recovery time, a count) for the suite's summary. */
export function report(line: string): void {
  figures.push(line);
}

export function printReport(suite: string): void {
  if (figures.length > 0) console.log(`[chaos] ${suite}\n  ${figures.join('\n  ')}`);
}
