import { Client } from 'pg';
import { md5PasswordHash } from './md5';
import { upstream } from './test/traffic';

describe('md5PasswordHash', () => {
  it('matches the documented construction for a fixed value', () => {
    // md5(md5("secret" + "alice") + salt), hex, with "md5" in front.
    expect(md5PasswordHash('alice', 'secret', Buffer.from([1, 2, 3, 4]))).toMatch(/^md5[0-9a-f]{32}$/);
  });

  it('equals what PostgreSQL computes for the same user, password and salt', async () => {
    const c = new Client({
      host: upstream.host,
      port: upstream.port,
      user: upstream.user,
      database: upstream.database,
    });
    await c.connect();
    try {
      const cases = [
        ['alice', 'secret', Buffer.from([1, 2, 3, 4])],
        ['agent-7', 'p\u00e4ss w\u00f6rd', Buffer.from([0xff, 0x00, 0x80, 0x7f])],
      ] as const;
      for (const [user, password, salt] of cases) {
        const { rows } = await c.query("SELECT 'md5' || md5(convert_to(md5($2 || $1), 'UTF8') || $3::bytea) AS h", [
          user,
          password,
          salt,
        ]);
        expect(md5PasswordHash(user, password, salt)).toBe(rows[0].h);
      }
    } finally {
      await c.end();
    }
  });
});
