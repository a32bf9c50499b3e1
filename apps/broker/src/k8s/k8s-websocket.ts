import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { ChannelCodec, CHANNEL_PROTOCOLS } from './k8s-channels';
import { ExecStreamBridge, type StdinFilterFactory } from './k8s-exec-bridge';
import { upstreamRequestHeaders } from './k8s-headers';
import { relayOpaqueWebSocket } from './k8s-opaque-relay';
import { k8sStatus, sendStatusOnSocket, type K8sStatus } from './k8s-status';
import { upstreamUrl } from './k8s-target';
import { relayRefusedUpgrade, upstreamUnreachable } from './k8s-upgrade-response';

type Admitted = Extract<Admission, { ok: true }>;

/** Largest WebSocket message either side may send; kubectl's are at most 32 KiB. */
const MAX_PAYLOAD = 1024 * 1024;
const READ_SUBRESOURCES = new Set(['exec', 'attach']);

/**
 * WebSocket upgrades to the Kubernetes front end. The broker ends the agent's WebSocket itself and opens
 * its own to the cluster with the protocol the cluster picks from the agent's offer, so exec and attach
 * frames can be read by channel. The agent's handshake completes only after the decision and after the
 * cluster accepted: nothing is running in the container before both.
 */
export class K8sWebSockets {
  private readonly server: WebSocketServer;
  private readonly chosen = new WeakMap<IncomingMessage, string>();

  constructor(
    private readonly deps: K8sCarrierDeps,
    private readonly filters: StdinFilterFactory,
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_PAYLOAD,
      perMessageDeflate: false,
      handleProtocols: (_offered, req) => this.chosen.get(req) ?? false,
    });
  }

  /** kubectl falls back to SPDY on any refused handshake, deciding twice: a refusal goes on the error channel. */
  refuse(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    status: K8sStatus,
    headers?: Record<string, string>,
  ): void {
    const protocol = offered(req).find((p) => ChannelCodec.reads(p));
    if (!protocol) return sendStatusOnSocket(socket, status, headers);
    this.chosen.set(req, protocol);
    this.server.handleUpgrade(req, socket, head, (client) => {
      client.on('error', () => client.terminate());
      client.send(new ChannelCodec(protocol).failure(status.message, status.code, status.details), {
        binary: !protocol.includes('base64'),
      });
      client.close(1000);
    });
  }

  forward(req: IncomingMessage, socket: Duplex, head: Buffer, a: Admitted): void {
    const reads = READ_SUBRESOURCES.has(a.facts.subresource ?? '');
    const protocols = reads ? offered(req).filter((p) => ChannelCodec.reads(p)) : offered(req);
    if (reads && protocols.length === 0) {
      const list = CHANNEL_PROTOCOLS.join(', ');
      return sendStatusOnSocket(socket, k8sStatus(400, `portcullis: exec and attach need one of ${list}`));
    }
    const upstream = new WebSocket(upstreamUrl(a.upstream, a.pathAndQuery, 'ws'), protocols, {
      headers: upstreamRequestHeaders(req.headers, a.upstream) as Record<string, string>,
      ...a.upstream.tls,
      maxPayload: MAX_PAYLOAD,
      perMessageDeflate: false,
      handshakeTimeout: 30000,
    });
    let opened = false;
    let handed = false;
    // Until ws takes the socket over, an agent that goes away must not leave the cluster's side open; a
    // handshake ws refuses (a bad key, a wrong version) is answered 400 there and never calls back.
    socket.once('close', () => {
      if (!handed) upstream.terminate();
    });
    upstream.on('unexpected-response', (_r, answer) => relayRefusedUpgrade(socket, answer));
    upstream.on('error', (err) => {
      if (!opened) upstreamUnreachable(socket, err);
    });
    upstream.on('open', () => {
      opened = true;
      if (reads && !ChannelCodec.reads(upstream.protocol)) {
        upstream.terminate();
        return sendStatusOnSocket(socket, k8sStatus(502, 'portcullis: the cluster chose no readable exec protocol'));
      }
      if (upstream.protocol) this.chosen.set(req, upstream.protocol);
      this.server.handleUpgrade(req, socket, head, (client) => {
        handed = true;
        if (reads) new ExecStreamBridge(this.deps, a, client, upstream, this.filters).start();
        else relayOpaqueWebSocket(this.deps, a, client, upstream);
      });
    });
  }

  close(): void {
    for (const c of this.server.clients) c.terminate();
    this.server.close();
  }
}

function offered(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}
