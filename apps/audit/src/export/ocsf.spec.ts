import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@portcullis/contracts';
import { toOcsf } from './ocsf';

const principal = { id: 'oid-1', kind: 'agent' as const, tenant: 't', appId: 'app', groups: ['g1'] };
const ev = (o: Partial<AuditEvent>): AuditEvent => ({
  id: randomUUID(),
  time: '2025-01-01T00:00:00.000Z',
  type: 'command.decided',
  source: 'broker',
  principal,
  ...o,
});
const chain = { seq: 42, hash: 'ab'.repeat(32) };

describe('OCSF mapping', () => {
  it.each([
    [{ channel: 'postgres', command: 'SELECT * FROM t' }, 6005, 4],
    [{ channel: 'postgres', command: '  insert into t values (1)' }, 6005, 5],
    [{ channel: 'postgres', command: 'DROP TABLE t' }, 6005, 7],
    [{ channel: 'postgres', command: 'VACUUM' }, 6005, 99],
    [{ channel: 'k8s', command: 'DELETE /api/v1/namespaces/x/pods/y' }, 6003, 4],
    [{ channel: 'http', command: 'GET /status' }, 6003, 2],
    [{ channel: 'ssh', command: 'rm -rf /' }, 6003, 99],
    [{ type: 'session.started' }, 3002, 1],
    [{ type: 'session.ended' }, 3002, 2],
    [{ type: 'identity.rejected' }, 3002, 1],
    [{ type: 'identity.suspended' }, 3001, 99],
    [{ type: 'service.started' }, 6002, 3],
    [{ type: 'approval.requested' }, 0, 99],
  ] as Array<[Partial<AuditEvent>, number, number]>)('maps %o to class %i activity %i', (o, cls, activity) => {
    const out = toOcsf(ev(o), chain);
    expect(out).toMatchObject({ class_uid: cls, activity_id: activity, type_uid: cls * 100 + activity });
    expect(out.category_uid).toBe(Math.floor(cls / 1000));
  });

  it('carries who, when, the outcome and the chain position', () => {
    const e = ev({
      channel: 'postgres',
      command: 'DROP TABLE t',
      decision: 'deny',
      ruleIds: ['no-drop'],
      traceId: 'tr',
    });
    const out = toOcsf(e, chain);
    expect(out).toMatchObject({
      time: Date.parse(e.time),
      status_id: 2,
      severity_id: 3,
      metadata: { version: '1.1.0', uid: e.id, correlation_uid: 'tr', sequence: 42 },
      actor: { user: { uid: 'oid-1', type: 'Agent', groups: [{ uid: 'g1' }] } },
      query_info: { query_string: 'DROP TABLE t' },
      unmapped: { decision: 'deny', rule_ids: ['no-drop'], chain_hash: chain.hash },
    });
  });
});
