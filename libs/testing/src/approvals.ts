import type { Stack } from './stack';

export interface PendingApproval {
  id: string;
  status: string;
  command: string;
}

export interface Approver {
  /** A call to the approval API as this human, with its status and JSON body. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The pending approval whose command matches (exactly, or by the predicate), waiting for it to appear. */
  pending(command: string | ((command: string) => boolean), timeoutMs?: number): Promise<PendingApproval>;
  decide(id: string, decision: 'approve' | 'deny', comment?: string): Promise<{ status: number; body: unknown }>;
}

/** A human approver of the stack's approval service (alice and bob are in the approver groups). */
export function approverOf(stack: Stack, who: 'alice' | 'bob' | 'carol' = 'alice', port?: number): Approver {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port ?? stack.services.approval.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${await stack.tokens.human(who)}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    call,
    async pending(command, timeoutMs = 10000) {
      const matches = typeof command === 'string' ? (c: string) => c === command : command;
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const inbox = (await call('GET', '/v1/approvals?status=pending')).body as PendingApproval[];
        const found = Array.isArray(inbox) ? inbox.find((a) => matches(a.command)) : undefined;
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no pending approval for ${String(command)}`);
    },
    decide: (id, decision, comment) =>
      call('POST', `/v1/approvals/${id}/decision`, { decision, ...(comment ? { comment } : {}) }),
  };
}
