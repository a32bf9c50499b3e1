// Tamper evidence on the real store: edit, delete or insert rows directly with SQL (as someone with the
// database owner's rights would, trigger disabled) and GET /v1/audit/verify names the first broken link.
// Each test puts the rows back and checks the chain verifies again, so the detection is the tampering's.
import { createHmac } from 'node:crypto';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import type { Client } from 'pg';
import { auditEvent, auditApi, countEvents, openDb, RawPublisher, testAuditConfig, waitFor } from './audit-fixtures';

const CHAIN_KEY = 'test-chain-key-0123456789';

interface Report {
  ok: boolean;
  checked: number;
  firstBroken: { seq: number; reason: string; id: string | null } | null;
}

describe('audit hash chain: verification catches edited, deleted and inserted rows', () => {
  let stack: Stack;
  let db: Client;
  let bob: string;

  beforeAll(async () => {
    stack = await startStack({
      label: 'audit-chain',
      services: ['identity', 'audit'],
      config: { audit: testAuditConfig({ chain: { key: { env: 'AUDIT_TEST_CHAIN_KEY' } } }) },
      env: { AUDIT_TEST_CHAIN_KEY: CHAIN_KEY },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    db = await openDb(stack.databaseUrl);
    bob = await stack.tokens.human('bob');
    const pub = await RawPublisher.open(testEnv.natsUrl, stack.namespace);
    const events = Array.from({ length: 30 }, (_, i) =>
      auditEvent({ sessionId: `tamper-${i % 3}`, command: i === 4 ? 'DROP TABLE customers' : `SELECT ${i}` }),
    );
    // One at a time, so seq n is the n-th event and the tests can name rows by position.
    for (const e of events) await pub.publish([e]);
    await pub.close();
    await waitFor(
      '30 events',
      () => countEvents(db),
      (n) => n === 30,
    );
    await db.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
  }, 60000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  const verify = async (query = ''): Promise<Report> => {
    const res = await auditApi(stack.services.audit.httpPort)(`/v1/audit/verify${query}`, bob);
    expect(res.status).toBe(200);
    return (await res.json()) as Report;
  };

  const snapshot = async (seq: number) => (await db.query('SELECT * FROM audit.events WHERE seq = $1', [seq])).rows[0];
  const restore = async (row: Record<string, unknown>) => {
    const cols = Object.keys(row);
    await db.query('DELETE FROM audit.events WHERE seq = $1', [row.seq]);
    await db.query(
      `INSERT INTO audit.events (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`,
      cols.map((c) => row[c]),
    );
  };

  it('verifies the untouched chain, whole, by range and by session', async () => {
    expect(await verify()).toMatchObject({ ok: true, checked: 30, firstBroken: null });
    expect(await verify('?from=10&to=20')).toMatchObject({ ok: true, checked: 11 });
    expect(await verify('?sessionId=tamper-1')).toMatchObject({ ok: true, checked: 10 });
    expect(await verify('?from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z')).toMatchObject({ ok: true, checked: 30 });
    expect(await verify('?from=2999-01-01T00:00:00Z')).toMatchObject({ ok: true, checked: 0 });
  });

  it('refuses to change a row while the append-only trigger is on', async () => {
    await db.query('ALTER TABLE audit.events ENABLE TRIGGER events_append_only');
    try {
      await expect(db.query(`UPDATE audit.events SET command = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit.events WHERE seq = 1')).rejects.toThrow(/append-only/);
    } finally {
      await db.query('ALTER TABLE audit.events DISABLE TRIGGER events_append_only');
    }
  });

  it('names an edited body as a hash mismatch', async () => {
    const original = await snapshot(5);
    await db.query(`UPDATE audit.events SET body = replace(body, 'DROP TABLE', 'SELECT FROM') WHERE seq = 5`);
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'hash_mismatch' } });
      expect(await verify('?sessionId=tamper-1')).toMatchObject({ ok: false, firstBroken: { seq: 5 } });
    } finally {
      await restore(original);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('names a filter column edited to hide a row from queries', async () => {
    const original = await snapshot(6);
    await db.query(`UPDATE audit.events SET principal_id = 'someone-else' WHERE seq = 6`);
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: 'columns_mismatch' } });
    } finally {
      await restore(original);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('names a deleted row as missing, and the session chain notices too', async () => {
    const original = await snapshot(8);
    await db.query('DELETE FROM audit.events WHERE seq = 8');
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 8, reason: 'missing' } });
      // seq 8 was the 3rd event of session tamper-1 (i = 7); its successor (seq 11) now points at nothing.
      expect(await verify('?sessionId=tamper-1')).toMatchObject({
        ok: false,
        firstBroken: { seq: 11, reason: 'session_link_broken' },
      });
    } finally {
      await restore(original);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  /** Inserts a row for `event` at `seq` with every column right and the hash computed under `key`. */
  const forge = async (seq: number, prevHash: Buffer, key: string) => {
    const event = auditEvent({ sessionId: `forged-${seq}`, command: 'GRANT ALL ON customers TO agent' });
    const body = canonical(event);
    const h = createHmac('sha256', key);
    h.update(`portcullis-audit-v1\n${seq}\n`);
    h.update(prevHash);
    h.update(Buffer.from([1]));
    h.update(Buffer.alloc(32));
    h.update(`\n${Buffer.byteLength(body)}\n${body}`);
    await db.query(
      `INSERT INTO audit.events (seq, id, time, stored_at, type, source, principal_id, principal_kind, tenant,
         groups, channel, connection, session_id, command, decision, rule_ids, prev_hash, session_prev_hash, hash, body)
       VALUES ($1, $2, $3, now(), $4, $5, 'agent-1', 'agent', 't1', '{g-readers}', 'postgres', 'orders-db', $6,
         $7, 'allow', '{readers-select}', $8, $9, $10, $11)`,
      [
        seq,
        event.id,
        event.time,
        event.type,
        event.source,
        event.sessionId,
        event.command,
        prevHash,
        Buffer.alloc(32),
        h.digest(),
        body,
      ],
    );
  };

  it('names a row inserted in the middle, even by an insider who holds the key', async () => {
    const before = await snapshot(12);
    // Make room at 13 and insert a perfectly formed row there: right link, right hash, right columns.
    await db.query('UPDATE audit.events SET seq = -seq WHERE seq > 12');
    await db.query('UPDATE audit.events SET seq = -seq + 1 WHERE seq < 0');
    await forge(13, before.hash, CHAIN_KEY);
    try {
      // The forged row holds; the row after it no longer points at its predecessor.
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 14, reason: 'link_broken' } });
    } finally {
      await db.query('DELETE FROM audit.events WHERE seq = 13');
      await db.query('UPDATE audit.events SET seq = -seq WHERE seq > 13');
      await db.query('UPDATE audit.events SET seq = -seq - 1 WHERE seq < 0');
    }
    expect(await verify()).toMatchObject({ ok: true, checked: 30 });
  });

  it('names a row appended at the head by someone without the chain key', async () => {
    const head = await snapshot(30);
    await forge(31, head.hash, 'a-guessed-key');
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: 31, reason: 'hash_mismatch' } });
    } finally {
      await db.query('DELETE FROM audit.events WHERE seq = 31');
    }
    // The same append made with the key verifies: the key is what stops an outsider, so keep it outside the database.
    await forge(31, head.hash, CHAIN_KEY);
    try {
      expect(await verify()).toMatchObject({ ok: true, checked: 31 });
    } finally {
      await db.query('DELETE FROM audit.events WHERE seq = 31');
    }
  });
});

/** The canonical JSON the service hashes: keys sorted, no whitespace. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}
