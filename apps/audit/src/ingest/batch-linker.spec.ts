import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '@portcullis/contracts';
import { canonicalJson } from '../chain/canonical';
import { chainHash, GENESIS_HASH } from '../chain/chain-hash';
import { RecordingLedger } from '../recording/recording-ledger';
import { linkBatch, prepareEvent } from './batch-linker';

const ev = (o: Partial<AuditEvent> = {}): AuditEvent => ({
  id: randomUUID(),
  time: '2025-01-01T00:00:00.000Z',
  type: 'command.decided',
  source: 'broker',
  ...o,
});

interface Row {
  seq: number;
  id: string;
  prev_hash: string;
  session_prev_hash: string | null;
  hash: string;
  body: string;
  session_id: string | null;
}

describe('linkBatch', () => {
  const ledger = () => new RecordingLedger(1 << 20, new Map());

  it('chains each row to the previous one and each session row to its session predecessor', () => {
    const events = [ev({ sessionId: 'a' }), ev({ sessionId: 'b' }), ev(), ev({ sessionId: 'a' })];
    const head = { seq: 10, hash: Buffer.alloc(32, 9) };
    const known = new Map([['b', Buffer.alloc(32, 7)]]);
    const out = linkBatch(events.map(prepareEvent), head, known, ledger(), null);
    const rows = JSON.parse(out.rowsJson) as Row[];
    expect(rows.map((r) => r.seq)).toEqual([11, 12, 13, 14]);
    expect(rows[0].prev_hash).toBe(head.hash.toString('hex'));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(rows[0].session_prev_hash).toBe(GENESIS_HASH.toString('hex'));
    expect(rows[1].session_prev_hash).toBe('07'.repeat(32));
    expect(rows[2].session_prev_hash).toBeNull();
    expect(rows[3].session_prev_hash).toBe(rows[0].hash);
    for (const r of rows) {
      const link = {
        seq: String(r.seq),
        prevHash: Buffer.from(r.prev_hash, 'hex'),
        sessionPrevHash: r.session_prev_hash === null ? null : Buffer.from(r.session_prev_hash, 'hex'),
        body: r.body,
      };
      expect(chainHash(link, null).toString('hex')).toBe(r.hash);
    }
    expect(out.head).toEqual({ seq: 14, hash: Buffer.from(rows[3].hash, 'hex') });
    expect(out.sessions.all().map((s) => [s.session_id, s.events])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('stores the canonical event as the body', () => {
    const e = ev({ command: 'SELECT 1', ruleIds: ['r'] });
    const rows = JSON.parse(
      linkBatch([prepareEvent(e)], { seq: 0, hash: GENESIS_HASH }, new Map(), ledger(), null).rowsJson,
    );
    expect(rows[0].body).toBe(canonicalJson(e));
    expect(rows[0]).toMatchObject({ id: e.id, command: 'SELECT 1', rule_ids: ['r'], type: 'command.decided' });
  });

  it('chains a recording by the digest of its chunk, not the chunk', () => {
    const e = ev({
      type: 'session.recording',
      sessionId: 's',
      recording: { sessionId: 's', seq: 0, kind: 'terminal', data: [[0.5, 'o', 'hello']] },
    });
    const l = ledger();
    const rows = JSON.parse(linkBatch([prepareEvent(e)], { seq: 0, hash: GENESIS_HASH }, new Map(), l, null).rowsJson);
    const body = JSON.parse(rows[0].body);
    expect(body.recording).toMatchObject({ sessionId: 's', seq: 0, kind: 'terminal', items: 1, storedItems: 1 });
    expect(body.recording).not.toHaveProperty('data');
    expect(l.rows()).toEqual([expect.objectContaining({ session_id: 's', seq: 0, event_seq: 1 })]);
  });
});
