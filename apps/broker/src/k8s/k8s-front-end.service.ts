import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { AccessGate } from '../access/access-gate.service';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline } from '../pipeline/command-pipeline.service';
import { MaskerCache } from '../pipeline/masker-cache';
import { SessionRegistry } from '../sessions/session-registry.service';
import { TlsMaterialProvider } from '../tls/tls-material.service';
import { admit, subresourceOf, type AdmissionDeps } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { forwardRequest } from './k8s-forward';
import { relayRawUpgrade } from './k8s-raw-relay';
import { k8sStatus, sendStatus, sendStatusOnSocket } from './k8s-status';
import { stdinGuard } from './k8s-stdin';
import { k8sUpstreamOf, type K8sUpstream } from './k8s-target';
import { K8sWebSockets } from './k8s-websocket';

/** Request heads larger than this are refused (431) before anything reads them. */
const MAX_HEADER_BYTES = 32 * 1024;
/** Subresources whose streams the broker reads (masks, records, screens): WebSocket only. */
const STREAMS_READ = new Set(['exec', 'attach']);

/**
 * The Kubernetes API listener: kubectl with `server: https://<broker>:18443/k8s/<connection>` and the
 * agent's access token works unmodified. Every request — including exec, attach and port-forward upgrades,
 * before the upgrade completes — is decided by policy on its normalised path; the cluster sees only the
 * connection's own credential.
 */
@Injectable()
export class K8sFrontEnd implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(K8sFrontEnd.name);
  private readonly upstreams = new Map<string, K8sUpstream>();
  private readonly admission: AdmissionDeps;
  private readonly carrier: K8sCarrierDeps;
  private readonly websockets: K8sWebSockets;
  private server?: Server;

  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    gate: AccessGate,
    pipeline: CommandPipeline,
    audit: CommandAudit,
    registry: SessionRegistry,
    connections: ConnectionRegistry,
    maskers: MaskerCache,
    private readonly tls: TlsMaterialProvider,
  ) {
    loaded.config.connections.forEach((c, i) => {
      if (c.type === 'k8s') this.upstreams.set(c.name, k8sUpstreamOf(c, i, connections.credentialsFor(c.name)));
    });
    this.admission = { gate, pipeline, connections, upstreams: this.upstreams };
    this.carrier = { audit, maskers, registry };
    // Each line typed into an interactive exec (or piped to a shell) is screened against the deny rules.
    this.websockets = new K8sWebSockets(this.carrier, (a, how, forward, notify) =>
      stdinGuard(how, (line) => pipeline.screen(a.session, line), forward, notify),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.loaded.config.services.broker.k8sPort;
    const host = process.env.PORTCULLIS_BIND ?? '127.0.0.1';
    const m = this.tls.get();
    const server = createServer({ cert: m.cert, key: m.key, minVersion: 'TLSv1.2', maxHeaderSize: MAX_HEADER_BYTES });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.request(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head));
    // A malformed request line or head ends that connection only.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      socket.destroy();
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.logger.log(
      `Kubernetes API listener on https://${host}:${port}/k8s/<connection> (${this.upstreams.size} connections)`,
    );
  }

  private async request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const a = await admit(this.admission, req);
      if (!a.ok) return sendStatus(res, a.status, a.headers);
      forwardRequest(this.carrier, req, res, a);
    } catch (err) {
      this.logger.error(`request failed: ${(err as Error).message}`);
      sendStatus(res, k8sStatus(502, 'portcullis: internal error'));
    }
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const websocket = String(req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    // Exec and attach streams are masked, recorded and line-screened, which the broker can only do on the
    // WebSocket protocols; a SPDY stream would carry them past all three, so it is refused before deciding.
    if (!websocket && STREAMS_READ.has(subresourceOf(req) ?? '')) {
      return sendStatusOnSocket(
        socket,
        k8sStatus(
          400,
          'portcullis: exec and attach need a WebSocket stream (kubectl ≥ 1.30 uses one unless KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false), so their output can be masked and recorded',
        ),
      );
    }
    try {
      const a = await admit(this.admission, req);
      if (socket.destroyed) return;
      if (!a.ok) {
        if (websocket) return this.websockets.refuse(req, socket, head, a.status, a.headers);
        return sendStatusOnSocket(socket, a.status, a.headers);
      }
      if (websocket) this.websockets.forward(req, socket, head, a);
      else relayRawUpgrade(this.carrier, req, socket, head, a);
    } catch (err) {
      this.logger.error(`upgrade failed: ${(err as Error).message}`);
      sendStatusOnSocket(socket, k8sStatus(502, 'portcullis: internal error'));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.websockets.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
