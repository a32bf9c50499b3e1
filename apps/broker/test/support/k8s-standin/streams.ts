// The stand-in's streaming endpoints: pods/exec over WebSocket (v5 and v4 channel protocols) running the
// command's argv in a sandbox directory without a shell, a WebSocket port-forward that echoes, and a raw
// upgrade echo standing in for SPDY (the stand-in does not speak SPDY framing).
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';

export class StandinStreams {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => [...EXEC_PROTOCOLS, PORTFORWARD_PROTOCOL].find((p) => offered.has(p)) ?? false,
  });
  /** Exec commands run, as argv, in order. */
  readonly execs: string[][] = [];

  constructor(private readonly sandbox: string) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const sub = url.pathname.split('/').pop();
    if (String(req.headers.upgrade).toLowerCase() !== 'websocket') return rawEcho(socket, head);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (sub === 'exec') this.exec(ws, url);
      else if (sub === 'portforward') ws.on('message', (d, binary) => ws.send(d, { binary }));
      else ws.close(1008, 'unsupported');
    });
  }

  private exec(ws: WebSocket, url: URL): void {
    const argv = url.searchParams.getAll('command');
    this.execs.push(argv);
    const send = (channel: number, data: Buffer | string) =>
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    if (argv.length === 0) {
      send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: 'you must specify a command', code: 400 }));
      return ws.close(1000);
    }
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: this.sandbox,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.sandbox },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => send(1, d));
    child.stderr.on('data', (d: Buffer) => send(2, d));
    child.stdin.on('error', () => undefined);
    ws.on('message', (raw: Buffer) => {
      if (raw[0] === 0) child.stdin.write(raw.subarray(1));
      // v5's close signal: the client has no more stdin.
      else if (raw[0] === 255 && raw[1] === 0) child.stdin.end();
    });
    ws.on('close', () => child.kill('SIGKILL'));
    child.on('error', (err) => {
      send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: err.message, reason: 'InternalError' }));
      ws.close(1000);
    });
    child.on('close', (code) => {
      if (ws.readyState !== ws.OPEN) return;
      const ok = code === 0;
      send(
        3,
        JSON.stringify(
          ok
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                message: `command terminated with non-zero exit code: ${code}`,
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(code ?? 137) }] },
              },
        ),
      );
      ws.close(1000);
    });
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

function rawEcho(socket: Duplex, head: Buffer): void {
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
  if (head.length) socket.write(head);
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
}
