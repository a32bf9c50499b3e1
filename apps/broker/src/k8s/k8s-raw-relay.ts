import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { upstreamRequestHeaders } from './k8s-headers';
import { StreamLifecycle } from './k8s-stream-lifecycle';
import { upstreamUrl } from './k8s-target';
import { relayRefusedUpgrade, upstreamUnreachable } from './k8s-upgrade-response';

type Admitted = Extract<Admission, { ok: true }>;

/**
 * An upgrade the broker does not read (port-forward over SPDY/3.1; exec and attach over SPDY are refused
 * before they get here): after the decision the upgraded stream is carried byte for byte with the
 * connection's credential. What it carries is recorded as metadata only (who, what was decided, bytes each
 * way, how it ended), not as content, and it is not masked: a port-forward is an opaque TCP tunnel.
 */
export function relayRawUpgrade(
  deps: K8sCarrierDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  a: Admitted,
): void {
  const url = upstreamUrl(a.upstream, a.pathAndQuery);
  const up = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: a.method,
    headers: upstreamRequestHeaders(req.headers, a.upstream, { keepUpgrade: true }),
    ...a.upstream.tls,
  });
  socket.on('close', () => up.destroy());
  up.on('error', (err) => upstreamUnreachable(socket, err));
  up.on('response', (answer) => relayRefusedUpgrade(socket, answer));
  up.on('upgrade', (answer, upSocket, upHead) => {
    const f = a.facts;
    const life = new StreamLifecycle(deps, a, {
      kind: f.subresource ?? 'upgrade',
      namespace: f.namespace,
      pod: f.name,
      command: f.command,
      protocol: String(req.headers.upgrade ?? ''),
      recorded: 'metadata only',
    });
    const lines = [`HTTP/1.1 101 Switching Protocols`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2)
      lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upHead.length) socket.write(upHead);
    if (head.length) upSocket.write(head);
    socket.on('data', (d: Buffer) => (life.bytesIn += d.length));
    upSocket.on('data', (d: Buffer) => (life.bytesOut += d.length));
    socket.pipe(upSocket);
    upSocket.pipe(socket);
    const end = (reason: Parameters<StreamLifecycle['end']>[0]) => {
      socket.destroy();
      upSocket.destroy();
      life.end(reason);
    };
    a.session.onTerminate((reason, message) => {
      life.error = `portcullis: ${message}`;
      end(reason);
    });
    socket.on('close', () => end('client_closed'));
    upSocket.on('close', () => end('upstream_closed'));
    socket.on('error', () => end('client_closed'));
    upSocket.on('error', () => end('upstream_closed'));
  });
  up.end();
}
