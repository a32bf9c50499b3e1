import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster that demands SCRAM-SHA-256 passwords on loopback (the shared one
 * trusts loopback, so it never asks the broker to prove anything). Runs as the postgres OS user.
 */
export function startScramCluster(port: number, password: string): { stop(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pg-scram-'));
  chmodSync(dir, 0o777);
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  chmodSync(pwfile, 0o644);
  asPostgres(`${BIN}/initdb`, [
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '--pwfile',
    pwfile,
    '-A',
    'scram-sha-256',
    '--no-sync',
  ]);
  asPostgres(`${BIN}/pg_ctl`, [
    '-D',
    join(dir, 'data'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    stop() {
      if (process.getuid?.() === 0)
        spawnSync('runuser', [
          '-u',
          'postgres',
          '--',
          `${BIN}/pg_ctl`,
          '-D',
          join(dir, 'data'),
          '-m',
          'immediate',
          'stop',
        ]);
      else spawnSync(`${BIN}/pg_ctl`, ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
