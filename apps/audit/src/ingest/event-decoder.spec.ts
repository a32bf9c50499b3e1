import { randomUUID } from 'node:crypto';
import { decodeMessage } from './event-decoder';

const msg = (body: unknown) => ({
  data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  subject: 'ns.audit.v1.x',
  seq: 5,
});
const base = { id: randomUUID(), time: '2025-01-01T00:00:00Z', source: 'broker' };

describe('decodeMessage', () => {
  it('accepts an audit event', () => {
    const d = decodeMessage(msg({ ...base, type: 'command.decided', command: 'SELECT 1' }));
    expect(d).toMatchObject({ ok: true, event: { command: 'SELECT 1' } });
  });

  it.each([
    ['not json', '{', 'not JSON'],
    [
      'an unknown field',
      { ...base, type: 'command.decided', extra: 1 },
      "(event): Unrecognized key(s) in object: 'extra'",
    ],
    ['a bad type', { ...base, type: 'nope' }, /^type: Invalid enum value/],
    [
      'a recording event without a chunk',
      { ...base, type: 'session.recording', sessionId: 's' },
      /needs a recording chunk/,
    ],
    [
      'a chunk of another session',
      {
        ...base,
        type: 'session.recording',
        sessionId: 's',
        recording: { sessionId: 'other', seq: 0, kind: 'sql', data: [] },
      },
      /must equal the event sessionId/,
    ],
    [
      'a chunk on another event type',
      {
        ...base,
        type: 'command.decided',
        sessionId: 's',
        recording: { sessionId: 's', seq: 0, kind: 'sql', data: [] },
      },
      /only session.recording events/,
    ],
  ])('keeps aside %s with the reason', (_name, body, reason) => {
    const d = decodeMessage(msg(body));
    if (d.ok) throw new Error('expected a rejection');
    expect(d.rejected).toMatchObject({ streamSeq: 5, subject: 'ns.audit.v1.x' });
    expect(d.rejected.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });
});
