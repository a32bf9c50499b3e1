// Decoders against traffic recorded from real clients (psql, the pg driver, pgbench) and PostgreSQL 15.
import { type BackendMessage, decodeBackendMessage } from './backend-decode';
import {
  encodeAuthenticationOk,
  encodeBackendKeyData,
  encodeBindComplete,
  encodeCommandComplete,
  encodeParameterStatus,
  encodeParseComplete,
  encodeReadyForQuery,
} from './backend';
import { encodeErrorResponse, encodeNoticeResponse } from './errors';
import { type Frame } from './frame-reader';
import { type FrontendMessage, decodeFrontendMessage } from './frontend';
import {
  encodeBind,
  encodeCopyData,
  encodeCopyDone,
  encodeDescribe,
  encodeExecute,
  encodeParse,
  encodeQuery,
  encodeSync,
  encodeTerminate,
} from './frontend-encode';
import { STARTUP_FRAME_TYPE } from './protocol';
import { decodeDataRow, decodeRowDescription, encodeDataRow, encodeRowDescription } from './rows';
import { encodeSSLRequest, encodeStartupMessage, parseStartupFrame } from './startup';
import { type Recording, streamOf } from './test/recorder';
import { type FramedSession, frameSession, typesOf } from './test/sessions';
import { recordTraffic, upstream } from './test/traffic';

import { expectBytes } from './test/bytes';

let recordings: Recording[];
let sessions: FramedSession[];

beforeAll(async () => {
  recordings = await recordTraffic();
  sessions = recordings.map(frameSession);
}, 60_000);

const session = (label: string, index = 0): FramedSession => sessions.filter((s) => s.label === label)[index]!;
const frontend = (s: FramedSession): FrontendMessage[] =>
  s.client.filter((f) => f.type !== STARTUP_FRAME_TYPE).map((f) => decodeFrontendMessage(f.type, f.body));
const backend = (s: FramedSession): BackendMessage[] => s.server.map((f) => decodeBackendMessage(f.type, f.body));
const ofType = <T extends { type: string }, K extends T['type']>(ms: T[], type: K) =>
  ms.filter((m): m is Extract<T, { type: K }> => m.type === type);

/** Our encoder for a decoded message, where we have one: decode → encode must give the same bytes. */
function reencodeFrontend(m: FrontendMessage): Buffer | null {
  switch (m.type) {
    case 'Query':
      return encodeQuery(m.sql);
    case 'Parse':
      return encodeParse(m.name, m.query, m.paramTypes);
    case 'Bind':
      return encodeBind(m);
    case 'Describe':
      return encodeDescribe(m.kind, m.name);
    case 'Execute':
      return encodeExecute(m.portal, m.maxRows);
    case 'Sync':
      return encodeSync();
    case 'Terminate':
      return encodeTerminate();
    case 'CopyData':
      return encodeCopyData(m.data);
    case 'CopyDone':
      return encodeCopyDone();
    default:
      return null;
  }
}

function reencodeBackend(m: BackendMessage, f: Frame): Buffer | null {
  switch (m.type) {
    case 'Authentication':
      return m.request.kind === 'ok' ? encodeAuthenticationOk() : null;
    case 'ParameterStatus':
      return encodeParameterStatus(m.name, m.value);
    case 'BackendKeyData':
      return encodeBackendKeyData(m.processId, m.secretKey);
    case 'ReadyForQuery':
      return encodeReadyForQuery(m.status);
    case 'CommandComplete':
      return encodeCommandComplete(m.tag);
    case 'ParseComplete':
      return encodeParseComplete();
    case 'BindComplete':
      return encodeBindComplete();
    case 'ErrorResponse':
      return encodeErrorResponse(m.fields);
    case 'NoticeResponse':
      return encodeNoticeResponse(m.fields);
    case 'RowDescription':
      return encodeRowDescription(decodeRowDescription(f.body));
    case 'DataRow':
      return encodeDataRow(decodeDataRow(f.body));
    default:
      return null;
  }
}

describe('recorded real traffic', () => {
  it('recorded every workload, both directions', () => {
    const labels = new Set(recordings.map((r) => r.label));
    expect([...labels].sort()).toEqual(
      ['pg extended', 'pgbench extended', 'pgbench prepared', 'pgbench simple']
        .concat(['psql copy in', 'psql copy out', 'psql error', 'psql simple'])
        .sort(),
    );
    for (const r of recordings) {
      expect(r.clientChunks.length).toBeGreaterThan(0);
      expect(r.serverChunks.length).toBeGreaterThan(0);
    }
  });

  it('frames cover each stream exactly: nothing lost, nothing invented', () => {
    for (const [i, s] of sessions.entries()) {
      const r = recordings[i]!;
      expectBytes(Buffer.concat(s.client.map((f) => f.raw)), streamOf(r.clientChunks));
      const server = streamOf(r.serverChunks);
      expectBytes(Buffer.concat([Buffer.from(s.negotiation, 'latin1'), ...s.server.map((f) => f.raw)]), server);
    }
  });

  it('decodes every frame in both directions, and re-encodes byte for byte where we build that message', () => {
    let reencoded = 0;
    for (const s of sessions) {
      for (const f of s.client) {
        if (f.type === STARTUP_FRAME_TYPE) {
          const req = parseStartupFrame(f.body);
          const again = req.kind === 'startup' ? encodeStartupMessage(req.params) : encodeSSLRequest();
          expectBytes(again, f.raw);
          continue;
        }
        const again = reencodeFrontend(decodeFrontendMessage(f.type, f.body));
        if (again !== null) {
          expectBytes(again, f.raw);
          reencoded++;
        }
      }
      for (const f of s.server) {
        const again = reencodeBackend(decodeBackendMessage(f.type, f.body), f);
        if (again !== null) {
          expectBytes(again, f.raw);
          reencoded++;
        }
      }
    }
    expect(reencoded).toBeGreaterThan(1000);
  });

  it.each([
    ['psql simple', 'N', '**QX', /^RS+KZTDCZ$/],
    ['psql error', 'N', '**QX', /^RS+KZEZ$/],
    ['psql copy out', 'N', '**QX', /^RS+KZHd{50}cCZ$/],
    ['psql copy in', 'N', '**QQdcQQQQQQX', /^RS+KZCZGCZTD{3}CZNCZCZTDCZEZCZ$/],
    ['pg extended', '', '*QPBDESPBDESBDESQPBDESQQQQX', /^RS+KZTDCZ12TDCZ12TDCZ2TDCZTD{20}CZ1EZIZCZCAZTDCZ$/],
    ['pgbench simple', '', `*${'Q'.repeat(50)}X`, /^RS+KZ(TDCZ){50}$/],
    ['pgbench extended', '', `*${'PBDES'.repeat(50)}X`, /^RS+KZ(12TDCZ){50}$/],
    ['pgbench prepared', '', `*PS${'BDES'.repeat(50)}X`, /^RS+KZ1Z(2TDCZ){50}$/],
  ])('%s: message sequence (SSL answer %j)', (label, negotiation, client, server) => {
    // pgbench opens a first connection just to check the server; the workload is the last one.
    const all = sessions.filter((s) => s.label === label);
    const s = all[all.length - 1]!;
    expect(s.negotiation).toBe(negotiation);
    expect(typesOf(s.client)).toBe(client);
    expect(typesOf(s.server)).toMatch(server);
  });

  it('psql: SSLRequest, then a StartupMessage with the user, database and application name', () => {
    const s = session('psql simple');
    expect(parseStartupFrame(s.client[0]!.body)).toEqual({ kind: 'ssl' });
    const startup = parseStartupFrame(s.client[1]!.body);
    expect(startup).toMatchObject({ kind: 'startup', protocol: { major: 3, minor: 0 } });
    expect(startup.kind === 'startup' && { ...startup.params }).toMatchObject({
      user: upstream.user,
      database: upstream.database,
      application_name: 'pg-wire-test',
    });
    const b = backend(s);
    expect(ofType(b, 'Authentication')[0]!.request).toEqual({ kind: 'ok' });
    expect(ofType(b, 'ParameterStatus').map((p) => p.name)).toEqual(
      expect.arrayContaining(['client_encoding', 'server_version', 'standard_conforming_strings']),
    );
    expect(ofType(b, 'BackendKeyData')[0]!.processId).toBeGreaterThan(0);
    expect(ofType(b, 'RowDescription')[0]!.fields.map((f) => [f.name, f.typeOid, f.format])).toEqual([
      ['one', 23, 0],
      ['two', 25, 0],
      ['three', 23, 0],
      ['ts', 1184, 0],
    ]);
    const row = ofType(b, 'DataRow')[0]!.values;
    expect(row.slice(0, 3).map((v) => v?.toString() ?? null)).toEqual(['1', 'two', null]);
    expect(ofType(b, 'CommandComplete')[0]!.tag).toBe('SELECT 1');
    expect(frontend(s)[0]).toEqual({ type: 'Query', sql: expect.stringContaining("'two'::text AS two") });
  });

  it('psql error: ErrorResponse fields and an idle ReadyForQuery after it', () => {
    const b = backend(session('psql error'));
    const err = ofType(b, 'ErrorResponse')[0]!.fields;
    expect(err).toMatchObject({ severity: 'ERROR', severityNonLocalized: 'ERROR', code: '22012' });
    expect(err.message).toBe('division by zero');
    expect(err.file).toBeDefined();
    expect(ofType(b, 'ReadyForQuery').map((z) => z.status)).toEqual(['I', 'I']);
  });

  it('COPY TO STDOUT and COPY FROM STDIN', () => {
    const out = backend(session('psql copy out'));
    expect(ofType(out, 'CopyOutResponse')[0]).toMatchObject({ format: 0, columnFormats: [0, 0] });
    expect(ofType(out, 'CopyData')[0]!.data.toString()).toBe('1\tc4ca4238a0b923820dcc509a6f75849b\n');
    expect(ofType(out, 'CommandComplete')[0]!.tag).toBe('COPY 50');

    const s = session('psql copy in');
    const sent = ofType(frontend(s), 'CopyData').map((m) => m.data.toString());
    // psql still sends the protocol-2 end marker "\\." inside CopyData; the server ignores it.
    expect(sent.join('')).toBe('1\tone\n2\t\\N\n3\tthree, with comma\n\\.\n');
    const b = backend(s);
    expect(ofType(b, 'CopyInResponse')[0]).toMatchObject({ format: 0, columnFormats: [0, 0] });
    expect(ofType(b, 'CommandComplete').map((c) => c.tag)).toEqual(
      expect.arrayContaining(['CREATE TABLE', 'COPY 3', 'SELECT 3', 'DO', 'BEGIN', 'ROLLBACK']),
    );
    expect(ofType(b, 'NoticeResponse')[0]!.fields).toMatchObject({ severity: 'NOTICE', message: 'hello 42' });
    expect(ofType(b, 'ErrorResponse')[0]!.fields).toMatchObject({ code: '42703', position: expect.any(String) });
    expect(ofType(b, 'ReadyForQuery').map((z) => z.status)).toEqual(['I', 'I', 'I', 'I', 'I', 'T', 'T', 'E', 'I']);
  });

  it('pg driver: extended protocol messages decode to what the driver sent', () => {
    const s = session('pg extended');
    const f = frontend(s);
    const parses = ofType(f, 'Parse');
    expect(parses.map((p) => [p.name, p.query])).toEqual([
      ['', 'SELECT $1::int + 1 AS n, $2::text AS t, $3::text AS nothing'],
      ['wire_stmt', 'SELECT $1::int * 2 AS d'],
      ['', 'SELECT $1::int'],
    ]);
    const bind = ofType(f, 'Bind')[0]!;
    expect(bind).toMatchObject({ portal: '', statement: '', paramFormats: [0, 0, 0], resultFormats: [0] });
    expect(bind.params.map((p) => p?.toString() ?? null)).toEqual(['41', 'x', null]);
    expect(ofType(f, 'Bind').map((b) => b.statement)).toEqual(['', 'wire_stmt', 'wire_stmt', '']);
    expect(ofType(f, 'Describe')[0]).toEqual({ type: 'Describe', kind: 'P', name: '' });
    expect(ofType(f, 'Execute')[0]).toEqual({ type: 'Execute', portal: '', maxRows: 0 });

    const b = backend(s);
    const first = ofType(b, 'DataRow')[0]!.values.map((v) => v?.toString() ?? null);
    expect(first).toEqual(['héllo ✓', '\\x00ff', '{1,NULL,3}', '{"k": [1, 2]}']);
    expect(ofType(b, 'ErrorResponse')[0]!.fields.code).toBe('22P02');
    expect(ofType(b, 'NotificationResponse')[0]).toMatchObject({ channel: 'wire_channel', payload: 'payload' });
    expect(ofType(b, 'EmptyQueryResponse')).toHaveLength(1);
    const big = ofType(b, 'DataRow').pop()!.values[0]!;
    expect(big.length).toBe(200_000);
    expect(big.every((c) => c === 0x78)).toBe(true);
  });

  it('a 200 kB DataRow arrived in several TCP reads and was reassembled', () => {
    const r = recordings.find((x) => x.label === 'pg extended')!;
    const s = session('pg extended');
    const big = s.server.find((f) => f.raw.length > 200_000)!;
    const containing = r.serverChunks.filter((c) => c.length > 0);
    expect(containing.every((c) => c.length < big.raw.length)).toBe(true);
  });

  it('pgbench prepared: one named Parse, then Bind/Describe/Execute/Sync per transaction', () => {
    const all = sessions.filter((s) => s.label === 'pgbench prepared');
    const f = frontend(all[all.length - 1]!);
    const parse = ofType(f, 'Parse');
    expect(parse).toHaveLength(1);
    expect(parse[0]!.name).not.toBe('');
    const binds = ofType(f, 'Bind');
    expect(binds).toHaveLength(50);
    for (const b of binds) {
      expect(b.statement).toBe(parse[0]!.name);
      expect(Number(b.params[0]!.toString())).toBeGreaterThan(0);
    }
  });
});
