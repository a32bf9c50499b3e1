import { connect as netConnect } from 'node:net';
// The target database and client helpers live in @portcullis/testing (the chaos suites use them too).
export { brokerClient, createTargetDatabase, psql, targetConnection } from '@portcullis/testing';
export type { PsqlResult } from '@portcullis/testing';

/**
 * Raw bytes to the broker's Postgres port, each chunk after a pause (so the broker reads them separately);
 * resolves with everything sent back once the broker closes the connection or `waitMs` has passed.
 */
export function rawExchange(
  port: number,
  chunks: Buffer[],
  opts: { gapMs?: number; waitMs?: number } = {},
): Promise<Buffer> {
  const gapMs = opts.gapMs ?? 2;
  return new Promise((resolve) => {
    const got: Buffer[] = [];
    const sock = netConnect(port, '127.0.0.1');
    const done = () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(got));
    };
    const timer = setTimeout(done, opts.waitMs ?? 1500);
    sock.on('data', (d) => got.push(d));
    sock.on('close', done);
    sock.on('error', done);
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (sock.destroyed) return;
        sock.write(c);
        await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** The backend messages in a reply, in order, with their bodies as text. */
export function backendMessages(reply: Buffer): Array<{ type: string; text: string }> {
  const out: Array<{ type: string; text: string }> = [];
  for (let i = 0; i + 5 <= reply.length;) {
    const len = reply.readInt32BE(i + 1);
    out.push({ type: String.fromCharCode(reply[i]), text: reply.subarray(i + 5, i + 1 + len).toString('latin1') });
    i += 1 + len;
  }
  return out;
}
