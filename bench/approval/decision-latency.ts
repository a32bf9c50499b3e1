// Decision latency of the approval service: from an approver's decision POST to the
// `approval.v1.decided` event reaching a NATS subscriber (what a broker holding the command waits
// for), over N sequential approvals on the real identity, approval and audit processes, NATS and
// PostgreSQL. Each decision includes the bearer-token check (identity over NATS), the locked
// transaction, the audit record acknowledged by JetStream, the grant and the webhook outbox row.
//   node scripts/build.mjs && node dist/bench/approval/decision-latency.js [approvals=1000]
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { ApprovalDecided } from '@portcullis/contracts';
import { auditStreamName, EventBus, MessagingClient, MessagingModule } from '@portcullis/messaging';
import { startStack, testEnv } from '@portcullis/testing';
import { connect } from 'nats';

const total = Number(process.argv[2] ?? 1000);
const warmup = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, samples: number[]): Record<string, string | number> {
  const s = [...samples].sort((a, b) => a - b);
  const f = (n: number) => Number(n.toFixed(2));
  return {
    measure: label,
    n: s.length,
    p50_ms: f(percentile(s, 50)),
    p90_ms: f(percentile(s, 90)),
    p99_ms: f(percentile(s, 99)),
    max_ms: f(s[s.length - 1]),
    mean_ms: f(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

async function main(): Promise<void> {
  const stack = await startStack({
    label: 'approvalbench',
    services: ['identity', 'approval', 'audit'],
    env: { LOG_LEVEL: 'warn' },
  });
  process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
  const ctx = await NestFactory.createApplicationContext(
    MessagingModule.forRoot({ serviceName: 'bench-broker', natsUrl: testEnv.natsUrl, requestTimeoutMs: 5000 }),
    { logger: ['error'] },
  );
  try {
    const messaging = ctx.get(MessagingClient);
    const waiting = new Map<string, (e: ApprovalDecided) => void>();
    const seenAt = new Map<string, number>();
    await ctx.get(EventBus).subscribe('approval.v1.decided', (e) => {
      seenAt.set(e.approvalId, performance.now());
      waiting.get(e.approvalId)?.(e);
    });
    const agent = await messaging.request('identity.v1.verify', {
      token: await stack.tokens.agent('code-review-bot'),
      channel: 'api',
    });
    if (!agent.ok) throw new Error(`agent token refused: ${agent.reason}`);
    const alice = await stack.tokens.human('alice');
    const decisionUrl = (id: string) =>
      `http://127.0.0.1:${stack.services.approval.httpPort}/v1/approvals/${id}/decision`;

    const toEvent: number[] = [];
    const toResponse: number[] = [];
    for (let i = 0; i < warmup + total; i++) {
      const ticket = await messaging.request('approval.v1.request', {
        principal: agent.principal,
        connection: { name: 'prod-db', type: 'postgres', tags: ['prod'] },
        action: { kind: 'sql', sql: `DELETE FROM orders WHERE id = ${i}` },
        commandText: `DELETE FROM orders WHERE id = ${i}`,
        commandFingerprint: `bench-${randomUUID()}`,
        terms: { approverGroups: ['dba-approvers'], minApprovals: 1, mode: 'hold', grant: 'once', timeoutSeconds: 300 },
        ruleIds: ['prod-writes-need-dba'],
      });
      const outcome = new Promise<ApprovalDecided>((resolve) => waiting.set(ticket.approvalId, resolve));
      const started = performance.now();
      const res = await fetch(decisionUrl(ticket.approvalId), {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', comment: 'bench' }),
      });
      const answered = performance.now();
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`decision refused: ${res.status}`);
      const event = await outcome;
      if (event.status !== 'approved') throw new Error(`unexpected outcome ${event.status}`);
      waiting.delete(ticket.approvalId);
      if (i >= warmup) {
        toEvent.push(seenAt.get(ticket.approvalId)! - started);
        toResponse.push(answered - started);
      }
    }
    console.table([
      summary('decision POST → approval.v1.decided seen', toEvent),
      summary('decision POST → HTTP 200', toResponse),
    ]);
  } finally {
    await ctx.close();
    // The audit service created a stream for this run's namespace; leave nothing behind.
    const nc = await connect({ servers: [testEnv.natsUrl] });
    await (await nc.jetstreamManager()).streams.delete(auditStreamName()).catch(() => undefined);
    await nc.close();
    await stack.stop();
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
