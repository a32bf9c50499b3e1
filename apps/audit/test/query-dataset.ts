// The generated dataset of the query API suite: every filter dimension varied, repeated timestamps so
// ties are broken by seq, and recordings (an SSH session published out of order, a SQL session, and
// one that overflows the per-session cap).
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@portcullis/contracts';
import { auditEvent, type RawPublisher } from './audit-fixtures';

export const CAP = 4096;
const principals = ['agent-a', 'agent-b', 'human-c'];
const connections = ['orders-db', 'billing-db', 'prod-k8s', 'bastion'];
const types = ['command.decided', 'command.executed', 'session.started', 'approval.requested'] as const;
const decisions = ['allow', 'deny', 'approval'] as const;
export const base = Date.parse('2025-03-01T00:00:00Z');

/** A dataset with every filter dimension varied, and repeated timestamps so ties are broken by seq. */
export function dataset(): AuditEvent[] {
  return Array.from({ length: 600 }, (_, i) => {
    const p = principals[i % 3];
    const connection = connections[(i + Math.floor(i / 4)) % 4];
    return auditEvent({
      time: new Date(base + Math.floor(i / 3) * 1000).toISOString(),
      type: types[i % 4],
      principal: {
        id: p,
        kind: p.startsWith('human') ? 'human' : 'agent',
        tenant: 't1',
        appId: null,
        groups: i % 5 === 0 ? ['g-ops', 'g-readers'] : ['g-readers'],
      },
      channel: connection === 'prod-k8s' ? 'k8s' : 'postgres',
      connection,
      sessionId: `q-session-${i % 12}`,
      traceId: i % 50 === 0 ? `trace-${i}` : undefined,
      command: i % 7 === 0 ? `DELETE FROM customers WHERE id = ${i}` : `SELECT * FROM orders_${i % 10}`,
      decision: decisions[i % 3],
      ruleIds: i % 6 === 0 ? ['pii-mask', 'readers'] : ['readers'],
      approvalId: i % 100 === 1 ? `approval-${i}` : undefined,
    });
  });
}

/** An SSH session (chunks published out of order), a SQL session, and one that overflows the cap. */
export async function publishRecordings(pub: RawPublisher): Promise<number> {
  const rec = (sessionId: string, recording: AuditEvent['recording']) =>
    auditEvent({
      id: randomUUID(),
      type: 'session.recording',
      sessionId,
      channel: 'ssh',
      recording,
      command: undefined,
      decision: undefined,
      ruleIds: undefined,
    });
  const chunks: AuditEvent[] = [
    rec('ssh-1', { sessionId: 'ssh-1', seq: 1, kind: 'terminal', data: [[1.5, 'o', '$ exit\r\n']] }),
    rec('ssh-1', {
      sessionId: 'ssh-1',
      seq: 0,
      kind: 'terminal',
      header: { width: 120, height: 40 },
      data: [
        [0.1, 'o', '$ cat /etc/app.env\r\n'],
        [0.2, 'o', 'DB_PASSWORD=****\r\n'],
      ],
    }),
    rec('sql-1', {
      sessionId: 'sql-1',
      seq: 0,
      kind: 'sql',
      data: [
        {
          time: '2025-03-01T00:00:01.000Z',
          statement: 'SELECT email FROM customers LIMIT 1',
          decision: 'allow',
          ruleIds: ['readers'],
          columns: ['email'],
          excerpt: [['j***@example.com']],
          rows: 1,
          masked: 1,
        },
        { time: '2025-03-01T00:00:02.000Z', statement: 'DROP TABLE customers', decision: 'deny', ruleIds: ['no-drop'] },
      ],
    }),
    ...Array.from({ length: 10 }, (_, i) =>
      rec('ssh-big', { sessionId: 'ssh-big', seq: i, kind: 'terminal', data: [[i, 'o', 'x'.repeat(1000)]] }),
    ),
  ];
  // In order per session would hide the reordering: ssh-1's seq 1 goes first on purpose.
  for (const c of chunks) await pub.publish([c]);
  return chunks.length;
}
