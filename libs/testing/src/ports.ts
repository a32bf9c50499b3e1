import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999): a port the OS hands out for `listen(0)` is also what it
// hands out as the source port of any outgoing connection, so between choosing it and a service binding
// it, some other connection on the machine could take it. Ports here are never assigned that way.
const LOW = 20000;
const HIGH = 32000;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A loopback port that was free a moment ago, for a service a test starts at once. Chosen at random from a
 * range no process is given implicitly, and never twice by one process, so concurrent suites (each its own
 * process) and their outgoing connections rarely race for it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOW} and ${HIGH}`);
}
