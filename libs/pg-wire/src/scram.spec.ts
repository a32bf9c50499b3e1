import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { decodeAuthentication } from './backend-decode';
import { decodeSaslInitialResponse, decodeSaslResponse } from './frontend';
import { FrontendType } from './protocol';
import { ScramClient, ScramError, ScramKeyCache } from './scram';
import { frameClient, frameServer } from './test/sessions';
import { upstream } from './test/traffic';

const b64 = (b: Buffer) => b.toString('base64');
const hmac = (key: Buffer, data: string) => crypto.createHmac('sha256', key).update(data).digest();
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest();
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScramError) return e.code;
    throw e;
  }
  return 'ok';
};

/** The server side of SCRAM from a stored verifier (what PostgreSQL keeps in pg_authid), for tests. */
function scramServer(verifier: string, serverNonce = 'srvNONCEsrvNONCE') {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
  const [iterations, salt, storedKey, serverKey] = [
    Number(m[1]),
    m[2]!,
    Buffer.from(m[3]!, 'base64'),
    Buffer.from(m[4]!, 'base64'),
  ];
  let clientFirstBare = '';
  let serverFirst = '';
  return {
    first(clientFirst: string): string {
      clientFirstBare = clientFirst.replace(/^n,,/, '');
      const nonce = /r=([^,]+)/.exec(clientFirstBare)![1]!;
      serverFirst = `r=${nonce}${serverNonce},s=${salt},i=${iterations}`;
      return serverFirst;
    },
    /** Verifies the client proof exactly as the server does; returns server-final-message. */
    final(clientFinal: string): string {
      const [, withoutProof, proof] = /^(.*),p=(.+)$/.exec(clientFinal)!;
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const signature = hmac(storedKey, authMessage);
      const clientKey = Buffer.from(proof!, 'base64').map((x, i) => x ^ signature[i]!);
      if (!sha256(Buffer.from(clientKey)).equals(storedKey)) return 'e=invalid-proof';
      return `v=${b64(hmac(serverKey, authMessage))}`;
    },
  };
}

describe('ScramClient', () => {
  it('RFC 7677 test vector', () => {
    const c = new ScramClient('pencil', { nonce: 'rOprNGfwEbeRWgbNEkqO', username: 'user' });
    expect(c.clientFirstMessage()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = c.handleServerFirst(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    expect(final).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(() => c.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  describe('replaying a recorded libpq ↔ PostgreSQL 15 login (scram-sha-256 in pg_hba)', () => {
    // Recorded once from a throwaway cluster with `host all all 127.0.0.1/32 scram-sha-256`, because
    // the shared test server trusts 127.0.0.1 and never asks for a password.
    const fixture = JSON.parse(readFileSync(join(__dirname, 'test/fixtures/scram-sessions.json'), 'utf8')) as {
      sessions: { user: string; password: string; client: string[]; server: string[] }[];
    };

    it.each(fixture.sessions.map((s) => [s.user, s] as const))(
      '%s: our messages equal libpq’s, byte for byte',
      async (_u, s) => {
        const client = frameClient(s.client.map((c) => Buffer.from(c, 'base64')));
        const server = frameServer(
          s.server.map((c) => Buffer.from(c, 'base64')),
          1,
        );
        const p = client.filter((f) => f.type === FrontendType.Password);
        const initial = decodeSaslInitialResponse(p[0]!.body);
        const libpqFirst = initial.data!.toString();
        const libpqFinal = decodeSaslResponse(p[1]!.body).toString();
        const auth = server.filter((f) => f.type === 0x52).map((f) => decodeAuthentication(f.body));
        expect(auth.map((a) => a.kind)).toEqual(['sasl', 'sasl-continue', 'sasl-final', 'ok']);
        const serverFirst = auth[1]!.kind === 'sasl-continue' ? auth[1]!.data : Buffer.alloc(0);
        const serverFinal = auth[2]!.kind === 'sasl-final' ? auth[2]!.data : Buffer.alloc(0);

        const nonce = /r=(.+)$/.exec(libpqFirst)![1]!;
        for (const asyncMode of [false, true]) {
          const ours = new ScramClient(s.password, { nonce });
          expect(initial.mechanism).toBe(ours.mechanism);
          expect(ours.clientFirstMessage()).toBe(libpqFirst);
          const final = asyncMode
            ? await ours.handleServerFirstAsync(serverFirst)
            : ours.handleServerFirst(serverFirst);
          expect(final).toBe(libpqFinal);
          expect(() => ours.verifyServerFinal(serverFinal)).not.toThrow();
        }
      },
    );
  });

  describe('against verifiers PostgreSQL itself computed (CREATE ROLE … PASSWORD, scram-sha-256)', () => {
    const roles = [
      { name: `pgwire_scram_a_${process.pid}`, password: 'correct horse battery staple' },
      // Decomposed ä, no-break space and soft hyphen: only SASLprep makes ours match the server's.
      { name: `pgwire_scram_u_${process.pid}`, password: 'pa\u0308ss\u00a0w\u00adord' },
    ];
    const verifiers = new Map<string, string>();
    let admin: Client;

    beforeAll(async () => {
      admin = new Client({
        host: upstream.host,
        port: upstream.port,
        user: upstream.user,
        database: upstream.database,
      });
      await admin.connect();
      await admin.query("SET password_encryption = 'scram-sha-256'");
      for (const r of roles) {
        await admin.query(`DROP ROLE IF EXISTS ${r.name}`);
        // PASSWORD takes no bind parameter; the literal is quoted safely with format('%L').
        const { rows } = await admin.query('SELECT format($1, $2::text) AS sql', [
          `CREATE ROLE ${r.name} LOGIN PASSWORD %L`,
          r.password,
        ]);
        await admin.query(rows[0].sql);
        const v = await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [r.name]);
        verifiers.set(r.name, v.rows[0].rolpassword);
      }
    });

    afterAll(async () => {
      for (const r of roles) await admin.query(`DROP ROLE IF EXISTS ${r.name}`);
      await admin.end();
    });

    it.each(roles.map((r) => [r.name.replace(/_\d+$/, ''), r] as const))(
      '%s: a full exchange verifies both ways',
      (_n, r) => {
        const server = scramServer(verifiers.get(r.name)!);
        const c = new ScramClient(r.password);
        const final = c.handleServerFirst(server.first(c.clientFirstMessage()));
        const answer = server.final(final);
        expect(answer.startsWith('v=')).toBe(true);
        expect(() => c.verifyServerFinal(answer)).not.toThrow();
      },
    );

    it('a wrong password is refused by the server-side check', () => {
      const server = scramServer(verifiers.get(roles[0]!.name)!);
      const c = new ScramClient('wrong');
      expect(server.final(c.handleServerFirst(server.first(c.clientFirstMessage())))).toBe('e=invalid-proof');
    });

    it('(the shared server trusts 127.0.0.1: it lets the role in with any password, so no live SASL here)', async () => {
      const c = new Client({
        host: upstream.host,
        port: upstream.port,
        user: roles[0]!.name,
        password: 'wrong',
        database: upstream.database,
      });
      await c.connect();
      await c.end();
    });
  });

  describe('refuses what it must not trust', () => {
    const first = 'r=abcSERVER,s=QSXCR+Q6sek8bf92,i=4096';
    const started = (options = {}) => {
      const c = new ScramClient('pw', { nonce: 'abc', ...options });
      c.clientFirstMessage();
      return c;
    };

    it('a server signature made without the password', () => {
      const c = started();
      c.handleServerFirst(first);
      expect(codeOf(() => c.verifyServerFinal(`v=${b64(Buffer.alloc(32))}`))).toBe('bad_signature');
    });

    it.each([
      ['e=invalid-proof', 'server_error'],
      ['v=not base64!', 'bad_server_final'],
      ['v=AAAA,extra=1', 'bad_server_final'],
      ['', 'bad_server_final'],
      [`v=${b64(Buffer.alloc(16))}`, 'bad_signature'],
    ])('server-final %j', (final, code) => {
      const c = started();
      c.handleServerFirst(first);
      expect(codeOf(() => c.verifyServerFinal(final))).toBe(code);
    });

    it.each([
      ['a nonce that does not extend ours', 'r=xyzSERVER,s=QSXCR+Q6sek8bf92,i=4096', 'bad_server_first'],
      ['a nonce equal to ours', 'r=abc,s=QSXCR+Q6sek8bf92,i=4096', 'bad_server_first'],
      ['a mandatory extension', 'm=ext,r=abcSERVER,s=QSXCR+Q6sek8bf92,i=4096', 'bad_server_first'],
      ['a salt that is not base64', 'r=abcSERVER,s=***,i=4096', 'bad_server_first'],
      ['zero iterations', 'r=abcSERVER,s=QSXCR+Q6sek8bf92,i=0', 'bad_server_first'],
      ['attributes out of order', 's=QSXCR+Q6sek8bf92,r=abcSERVER,i=4096', 'bad_server_first'],
      ['2^31 iterations (CPU exhaustion)', 'r=abcSERVER,s=QSXCR+Q6sek8bf92,i=2147483648', 'iterations'],
    ])('server-first with %s', (_name, bad, code) => {
      expect(codeOf(() => started().handleServerFirst(bad))).toBe(code);
    });

    it('steps out of order', () => {
      const c = new ScramClient('pw');
      expect(codeOf(() => c.handleServerFirst(first))).toBe('state');
      expect(codeOf(() => c.verifyServerFinal('v=AAAA'))).toBe('state');
      c.clientFirstMessage();
      expect(codeOf(() => c.clientFirstMessage())).toBe('state');
      expect(() => new ScramClient('pw', { nonce: 'a,b' })).toThrow(RangeError);
    });
  });

  it('a key cache skips PBKDF2 for the next connection to the same role', () => {
    const spy = jest.spyOn(crypto, 'pbkdf2Sync');
    const cache = new ScramKeyCache();
    const serverFirst = (nonce: string) => `r=${nonce}SERVER,s=QSXCR+Q6sek8bf92,i=4096`;
    for (const nonce of ['one', 'two', 'three']) {
      const c = new ScramClient('pw', { nonce, keyCache: cache });
      c.clientFirstMessage();
      c.handleServerFirst(serverFirst(nonce));
    }
    const other = new ScramClient('other password', { nonce: 'four', keyCache: cache });
    other.clientFirstMessage();
    other.handleServerFirst(serverFirst('four'));
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});
