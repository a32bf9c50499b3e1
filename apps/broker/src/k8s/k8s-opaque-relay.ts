import type WebSocket from 'ws';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { StreamLifecycle } from './k8s-stream-lifecycle';

type Admitted = Extract<Admission, { ok: true }>;

/**
 * A WebSocket the broker carries without reading (port-forward, whose WebSocket form tunnels SPDY, or a
 * watch): frames are relayed as they are and recorded as metadata only (bytes each way, how it ended).
 */
export function relayOpaqueWebSocket(deps: K8sCarrierDeps, a: Admitted, client: WebSocket, upstream: WebSocket): void {
  const f = a.facts;
  const life = new StreamLifecycle(deps, a, {
    kind: f.subresource ?? 'websocket',
    namespace: f.namespace,
    name: f.name,
    protocol: client.protocol,
    recorded: 'metadata only',
  });
  let closed = false;
  const end = (reason: Parameters<StreamLifecycle['end']>[0], code = 1000) => {
    if (closed) return;
    closed = true;
    const c = [1004, 1005, 1006, 1015].includes(code) ? 1000 : code;
    client.close(c);
    upstream.close(c);
    setTimeout(() => {
      client.terminate();
      upstream.terminate();
    }, 2000).unref();
    life.end(reason);
  };
  a.session.onTerminate((reason, message) => {
    life.error = `portcullis: ${message}`;
    end(reason, 1008);
  });
  client.on('message', (data, isBinary) => {
    life.bytesIn += size(data);
    if (upstream.readyState === upstream.OPEN) upstream.send(data, { binary: isBinary });
  });
  upstream.on('message', (data, isBinary) => {
    life.bytesOut += size(data);
    if (client.readyState === client.OPEN) client.send(data, { binary: isBinary });
  });
  client.on('close', (code) => end('client_closed', code));
  upstream.on('close', (code) => end('upstream_closed', code));
  client.on('error', () => end('protocol_error'));
  upstream.on('error', () => end('upstream_closed'));
}

function size(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
}
