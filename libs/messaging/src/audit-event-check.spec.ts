import { auditEventSchema } from '@portcullis/contracts';
import { auditEventProblem } from './audit-event-check';

const decided = {
  id: '0b6a3f3e-4a4f-4a8e-9d55-5f0f3b8f2a11',
  time: '2026-01-02T03:04:05.678Z',
  type: 'command.decided',
  source: 'broker',
  principal: { id: 'oid-1', kind: 'agent', tenant: 't', appId: null, groups: ['g'] },
  channel: 'postgres',
  connection: 'db',
  sessionId: 's-1',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  command: 'select 1',
  fingerprint: 'f',
  decision: 'allow',
  ruleIds: ['read'],
  reason: 'allowed',
  detail: { action: 'sql', policyVersion: 'v1' },
};
const executed = {
  id: '7d1c1f8e-2b33-4c1a-8f0e-0d6f5e2a9b10',
  time: '2026-01-02T03:04:05Z',
  type: 'command.executed',
  source: 'broker',
  sessionId: 's-1',
  command: 'select 1',
  outcome: 'ok',
  durationMs: 0.125,
  rows: 1,
  bytes: 20,
  masked: 0,
  traceId: undefined,
};
const recording = {
  ...decided,
  type: 'session.recording',
  recording: { sessionId: 's-1', seq: 0, kind: 'terminal', data: [[0.5, 'o', 'hi']] },
};

const cases: Array<[string, Record<string, unknown>]> = [
  ['a decision', decided],
  ['an outcome, with an undefined optional field', executed],
  ['a recording chunk', recording],
  ['a recording chunk of the wrong shape', { ...recording, recording: { sessionId: 's-1', seq: -1, kind: 'sql' } }],
  ['an unknown field', { ...decided, token: 'eyJ' }],
  ['a principal with a field the contract leaves out', { ...decided, principal: { ...decided.principal, roles: [] } }],
  ['a principal without its tenant', { ...decided, principal: { id: 'p', kind: 'agent', appId: null, groups: [] } }],
  ['a principal of an unknown kind', { ...decided, principal: { ...decided.principal, kind: 'robot' } }],
  ['a principal that is not an object', { ...decided, principal: 'oid-1' }],
  ['no source', { ...decided, source: undefined }],
  ['no id', { ...executed, id: undefined }],
  ['an id that is not a UUID', { ...decided, id: 'not-a-uuid' }],
  ['a time with an offset', { ...decided, time: '2026-01-02T03:04:05+01:00' }],
  ['a time that is not a date', { ...decided, time: '2026-13-02T03:04:05Z' }],
  ['an unknown type', { ...decided, type: 'command.guessed' }],
  ['an unknown channel', { ...decided, channel: 'ftp' }],
  ['an unknown effect', { ...decided, decision: 'maybe' }],
  ['rule ids that are not strings', { ...decided, ruleIds: [1] }],
  ['a detail that is an array', { ...decided, detail: ['x'] }],
  ['a detail that is null', { ...decided, detail: null }],
  ['a fractional row count', { ...executed, rows: 1.5 }],
  ['a duration that is not a number', { ...executed, durationMs: Number.NaN }],
  ['a duration given as text', { ...executed, durationMs: '1' }],
  ['a command that is not text', { ...executed, command: 42 }],
];

describe('auditEventProblem, the publisher’s cheap check', () => {
  it.each(cases)('agrees with auditEventSchema on %s', (_name, event) => {
    expect(auditEventProblem(event) === undefined).toBe(auditEventSchema.safeParse(event).success);
  });

  it('refuses what the schema refuses, naming the field', () => {
    expect(auditEventProblem({ ...decided, token: 'eyJ' })).toBe('token: not an audit event field');
    expect(auditEventProblem({ ...executed, rows: 1.5 })).toBe('rows: invalid');
  });

  it('knows every field of the contract', () => {
    for (const key of Object.keys(auditEventSchema.shape)) {
      expect(auditEventProblem({ ...decided, [key]: undefined, id: decided.id })).not.toBe(
        `${key}: not an audit event field`,
      );
    }
  });
});
