// The auditor API over a generated dataset on the real stack: every filter and its pagination against
// an independent computation of the answer, sessions and their recordings, exports that parse, OpenAPI,
// and a refusal for every token that is not an auditor's.
import type { AuditEvent } from '@portcullis/contracts';
import { startStack, testEnv, type Stack } from '@portcullis/testing';
import type { Client } from 'pg';
import { auditApi, countEvents, openDb, RawPublisher, testAuditConfig, waitFor } from './audit-fixtures';
import { base, CAP, dataset, publishRecordings } from './query-dataset';

describe('audit query API', () => {
  let stack: Stack;
  let db: Client;
  let api: ReturnType<typeof auditApi>;
  let bob: string;
  let events: AuditEvent[];
  const seqOf = new Map<string, number>();

  beforeAll(async () => {
    stack = await startStack({
      label: 'audit-query',
      services: ['identity', 'audit'],
      // A small page size so exports span several pages.
      config: { audit: testAuditConfig({ recording: { maxBytesPerSession: CAP }, query: { maxPageSize: 250 } }) },
    });
    process.env.PORTCULLIS_NATS_NAMESPACE = stack.namespace;
    db = await openDb(stack.databaseUrl);
    api = auditApi(stack.services.audit.httpPort);
    bob = await stack.tokens.human('bob');
    const pub = await RawPublisher.open(testEnv.natsUrl, stack.namespace);
    events = dataset();
    await pub.publish(events);
    const recordingEvents = await publishRecordings(pub);
    await pub.close();
    await waitFor(
      'dataset',
      () => countEvents(db),
      (n) => n === events.length + recordingEvents,
    );
    const rows = await db.query('SELECT id, seq FROM audit.events');
    for (const r of rows.rows) seqOf.set(r.id, Number(r.seq));
  }, 60000);

  afterAll(async () => {
    await db?.end();
    await stack?.stop();
    delete process.env.PORTCULLIS_NATS_NAMESPACE;
  });

  const getJson = async (path: string, token = bob) => {
    const res = await api(path, token);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  /** Follows nextCursor to the end and returns the ids in the order the API gave them. */
  const allPages = async (query: string, limit: number): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await getJson(
        `/v1/events?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )) as { items: Array<{ event: AuditEvent }>; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((i) => i.event.id));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  };

  const expected = (keep: (e: AuditEvent) => boolean, order: 'asc' | 'desc' = 'desc'): string[] => {
    const key = (e: AuditEvent) => [Date.parse(e.time), seqOf.get(e.id) ?? 0] as const;
    const sorted = events.filter(keep).sort((a, b) => {
      const [ta, sa] = key(a);
      const [tb, sb] = key(b);
      return ta - tb || sa - sb;
    });
    return (order === 'asc' ? sorted : sorted.reverse()).map((e) => e.id);
  };

  const t = (n: number) => new Date(base + n * 1000).toISOString();
  const cases: Array<[string, string, (e: AuditEvent) => boolean]> = [
    ['principal', 'principal=agent-b', (e) => e.principal?.id === 'agent-b'],
    ['kind', 'kind=human', (e) => e.principal?.kind === 'human'],
    ['group', 'group=g-ops', (e) => e.principal?.groups.includes('g-ops') ?? false],
    ['connection', 'connection=billing-db', (e) => e.connection === 'billing-db'],
    ['type', 'type=command.decided', (e) => e.type === 'command.decided'],
    [
      'several types',
      'type=session.started,approval.requested',
      (e) => ['session.started', 'approval.requested'].includes(e.type),
    ],
    ['decision', 'decision=deny', (e) => e.decision === 'deny'],
    ['rule id', 'ruleId=pii-mask', (e) => e.ruleIds?.includes('pii-mask') ?? false],
    ['approval id', 'approvalId=approval-101', (e) => e.approvalId === 'approval-101'],
    ['trace id', 'traceId=trace-250', (e) => e.traceId === 'trace-250'],
    ['session', 'sessionId=q-session-5', (e) => e.sessionId === 'q-session-5'],
    [
      'time range',
      `from=${t(20)}&to=${t(40)}`,
      (e) => Date.parse(e.time) >= Date.parse(t(20)) && Date.parse(e.time) < Date.parse(t(40)),
    ],
    [
      'command text',
      'q=delete%20from%20CUSTOMERS',
      (e) => e.command?.toLowerCase().includes('delete from customers') ?? false,
    ],
    [
      'combined',
      `principal=agent-a&decision=allow&connection=orders-db&from=${t(10)}`,
      (e) =>
        e.principal?.id === 'agent-a' &&
        e.decision === 'allow' &&
        e.connection === 'orders-db' &&
        Date.parse(e.time) >= Date.parse(t(10)),
    ],
  ];

  it.each(cases)('filters by %s across pages, newest first', async (_name, query, keep) => {
    const want = expected(keep);
    expect(want.length).toBeGreaterThan(0);
    expect(await allPages(query, 17)).toEqual(want);
  });

  it('pages the whole dataset in both orders without losing or repeating a row', async () => {
    const notRecording = (e: AuditEvent) => e.type !== 'session.recording';
    const asc = await allPages(
      'order=asc&type=command.decided,command.executed,session.started,approval.requested',
      53,
    );
    expect(asc).toEqual(expected(notRecording, 'asc'));
    const desc = await allPages('type=command.decided,command.executed,session.started,approval.requested', 250);
    expect(desc).toEqual(expected(notRecording, 'desc'));
  });

  it('refuses bad parameters with a problem document naming them', async () => {
    for (const [query, detail] of [
      ['decision=maybe', /^decision: /],
      ['bogus=1', /unknown parameter bogus/],
      ['cursor=abc', /^cursor: /],
      ['limit=100000', /^limit: at most/],
      ['from=yesterday', /^from: /],
    ] as const) {
      const res = await api(`/v1/events?${query}`, bob);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({
        status: 400,
        title: 'Bad request',
        detail: expect.stringMatching(detail),
      });
    }
  });

  it('lists sessions with their counts and shows one session as a timeline', async () => {
    const list = (await getJson('/v1/sessions?principal=agent-b&limit=50')) as {
      items: Array<{ sessionId: string; events: number; principal: { id: string } }>;
    };
    const agentB = new Set(events.filter((e) => e.principal?.id === 'agent-b').map((e) => e.sessionId));
    expect(new Set(list.items.map((s) => s.sessionId))).toEqual(agentB);
    const one = (await getJson('/v1/sessions/q-session-5?limit=20')) as {
      session: { events: number; denied: number; connection: string };
      timeline: { items: Array<{ seq: number; event: AuditEvent }>; nextAfter: number | null };
    };
    const mine = events.filter((e) => e.sessionId === 'q-session-5');
    expect(one.session).toMatchObject({
      events: mine.length,
      denied: mine.filter((e) => e.decision === 'deny').length,
    });
    expect(one.timeline.items).toHaveLength(20);
    const seqs = one.timeline.items.map((i) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const rest = (await getJson(`/v1/sessions/q-session-5?limit=100&after=${one.timeline.nextAfter}`)) as typeof one;
    expect(one.timeline.items.length + rest.timeline.items.length).toBe(mine.length);
    expect((await api('/v1/sessions/no-such-session', bob)).status).toBe(404);
  });

  it('serves a terminal session as asciicast v2, chunks in order, masked as published', async () => {
    const res = await api('/v1/sessions/ssh-1/recording', bob);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-asciicast/);
    expect(res.headers.get('x-recording-truncated')).toBe('false');
    expect(res.headers.get('x-recording-verified')).toBe('true');
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ version: 2, width: 120, height: 40 });
    expect(lines.slice(1)).toEqual([
      [0.1, 'o', '$ cat /etc/app.env\r\n'],
      [0.2, 'o', 'DB_PASSWORD=****\r\n'],
      [1.5, 'o', '$ exit\r\n'],
    ]);
  });

  it('serves a SQL session as a transcript with decisions and masked excerpts', async () => {
    const res = await api('/v1/sessions/sql-1/recording', bob);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      truncated: boolean;
      verified: boolean;
      entries: Array<Record<string, unknown>>;
    };
    expect(doc).toMatchObject({ truncated: false, verified: true });
    expect(doc.entries.map((e) => e.statement)).toEqual([
      'SELECT email FROM customers LIMIT 1',
      'DROP TABLE customers',
    ]);
    expect(doc.entries[0]).toMatchObject({ decision: 'allow', excerpt: [['j***@example.com']] });
    expect(doc.entries[1]).toMatchObject({ decision: 'deny', ruleIds: ['no-drop'] });
  });

  it('caps a recording per session and says it was truncated', async () => {
    const res = await api('/v1/sessions/ssh-big/recording', bob);
    expect(res.headers.get('x-recording-truncated')).toBe('true');
    const body = await res.text();
    expect(Buffer.byteLength(body)).toBeLessThan(CAP + 1024);
    const lines = body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[lines.length - 1]).toEqual([expect.any(Number), 'm', expect.stringContaining('truncated')]);
    const stored = await db.query(`SELECT bytes, truncated FROM audit.recordings WHERE session_id = 'ssh-big'`);
    expect(stored.rows[0]).toMatchObject({ truncated: true });
    expect(Number(stored.rows[0].bytes)).toBeLessThanOrEqual(CAP);
  });

  it('reports a recording chunk edited in the store as unverified', async () => {
    await db.query(
      `UPDATE audit.recording_chunks SET data = replace(data, 'DB_PASSWORD=****', 'DB_PASSWORD=hunter2') WHERE session_id = 'ssh-1'`,
    );
    try {
      const res = await api('/v1/sessions/ssh-1/recording', bob);
      expect(res.headers.get('x-recording-verified')).toBe('false');
      expect(await res.text()).toContain('does not match its chained digest');
    } finally {
      await db.query(
        `UPDATE audit.recording_chunks SET data = replace(data, 'DB_PASSWORD=hunter2', 'DB_PASSWORD=****') WHERE session_id = 'ssh-1'`,
      );
    }
  });

  it('exports NDJSON with chain positions, one JSON event per line', async () => {
    const res = await api('/v1/export?format=ndjson&decision=deny', bob);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await res.text()).split('\n').filter((l) => l !== '');
    const parsed = lines.map(
      (l) => JSON.parse(l) as { seq: number; hash: string; prevHash: string; event: AuditEvent },
    );
    expect(parsed.map((p) => p.event.id)).toEqual(expected((e) => e.decision === 'deny', 'asc'));
    for (const p of parsed) {
      expect(p.seq).toBe(seqOf.get(p.event.id));
      expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(p.prevHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('exports the whole chain across pages, each line linked to the one before', async () => {
    const res = await api('/v1/export', bob);
    const lines = (await res.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { seq: number; hash: string; prevHash: string });
    expect(lines).toHaveLength(seqOf.size);
    expect(lines[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < lines.length; i++) {
      expect([lines[i].seq, lines[i].prevHash]).toEqual([lines[i - 1].seq + 1, lines[i - 1].hash]);
    }
  });

  it('exports OCSF: database commands as Datastore Activity, cluster calls as API Activity', async () => {
    const res = await api('/v1/export?format=ocsf&type=command.decided,session.started', bob);
    const lines = (await res.text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(
      events.filter((e) => e.type === 'command.decided' || e.type === 'session.started').length,
    );
    for (const o of lines) {
      for (const field of [
        'class_uid',
        'category_uid',
        'activity_id',
        'type_uid',
        'time',
        'severity_id',
        'status_id',
        'metadata',
      ]) {
        expect(o).toHaveProperty(field);
      }
      expect(o.type_uid).toBe(o.class_uid * 100 + o.activity_id);
      expect(o.metadata).toMatchObject({ version: '1.1.0', product: { name: 'Portcullis' } });
    }
    const sql = lines.find(
      (o) => o.unmapped.portcullis_type === 'command.decided' && o.query_info?.query_string?.startsWith('DELETE'),
    );
    expect(sql).toMatchObject({ class_uid: 6005, activity_id: 7, database: { name: expect.any(String) } });
    const k8s = lines.find((o) => o.unmapped.portcullis_type === 'command.decided' && o.unmapped.channel === 'k8s');
    expect(k8s).toMatchObject({ class_uid: 6003, api: { operation: expect.any(String) } });
    const logon = lines.find((o) => o.unmapped.portcullis_type === 'session.started');
    expect(logon).toMatchObject({ class_uid: 3002, activity_id: 1, actor: { user: { uid: expect.any(String) } } });
    const denied = lines.find((o) => o.unmapped.decision === 'deny');
    expect(denied).toMatchObject({ status_id: 2, severity_id: 3 });
  });

  it('serves its OpenAPI document at /docs', async () => {
    const doc = (await (await api('/docs-json')).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/v1/events',
      '/v1/sessions',
      '/v1/sessions/{id}',
      '/v1/sessions/{id}/recording',
      '/v1/export',
      '/v1/audit/verify',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect((await api('/docs')).status).toBe(200);
  });

  it('refuses every token that is not an auditor’s, as problem documents', async () => {
    const cases: Array<[string | undefined, number]> = [
      [undefined, 401],
      ['not-a-token', 401],
      [await stack.tokens.human('alice'), 403],
      [await stack.tokens.agent(), 403],
      [await stack.tokens.human('carol'), 403],
    ];
    for (const path of [
      '/v1/events',
      '/v1/sessions',
      '/v1/audit/verify',
      '/v1/export',
      '/v1/sessions/ssh-1/recording',
    ]) {
      for (const [token, status] of cases) {
        const res = await api(path, token);
        expect([path, res.status]).toEqual([path, status]);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        const body = await res.json();
        expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
        expect(body).not.toHaveProperty('items');
      }
    }
    expect((await api('/v1/events?limit=1', bob)).status).toBe(200);
  });
});
