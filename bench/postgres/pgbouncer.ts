import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PgBouncer in session mode in front of one database, with its own config in a temporary dir. */
export async function startPgBouncer(port: number, database: string): Promise<{ stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `bench = host=127.0.0.1 port=5432 dbname=${database} user=postgres`,
      '[pgbouncer]',
      `listen_addr = 127.0.0.1`,
      `listen_port = ${port}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = session',
      'max_client_conn = 200',
      'default_pool_size = 50',
      `unix_socket_dir =`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    ].join('\n'),
  );
  // pgbouncer refuses to run as root unless told to drop privileges; run it as the postgres user.
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = asRoot
    ? spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', join(dir, 'pgbouncer.ini')], { stdio: 'ignore' })
    : spawn('pgbouncer', [join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  if (asRoot) spawn('chown', ['-R', 'postgres', dir]).once('exit', () => undefined);
  await new Promise((r) => setTimeout(r, 1000));
  return {
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
