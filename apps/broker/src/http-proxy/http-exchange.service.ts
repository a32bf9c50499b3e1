import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { normalizeHttpRequest, pathAndQueryOf } from '@portcullis/command-classifier';
import type { LoadedConfig } from '@portcullis/config';
import type { Channel, Principal } from '@portcullis/contracts';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { NOT_FORWARDED } from '../connections/forwarded-headers';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline, type CommandVerdict } from '../pipeline/command-pipeline.service';
import { MaskerCache, type DecisionMasker } from '../pipeline/masker-cache';
import { CallSession } from '../sessions/call-session';
import { credentialHeader, httpTargetOf, type HttpTarget } from './http-target';

/** The length is set again for the body as forwarded (or as masked). */
const STRIPPED = new Set([...NOT_FORWARDED, 'content-length']);

/** A request policy let through: what was decided, and where it goes. */
export interface AdmittedRequest {
  session: CallSession;
  connectionName: string;
  target: HttpTarget;
  verdict: Extract<CommandVerdict, { verdict: 'forward' }>;
  method: string;
  pathAndQuery: string;
  started: bigint;
}

/** A request refused before it reached the upstream, as an HTTP status and problem code. */
export interface HttpRefusal {
  status: number;
  code: string;
  detail: string;
  ruleIds?: string[];
  approvalId?: string;
}

export type Recorder = (status: number, bytes: number, masked: number, error?: string) => void;

/**
 * One HTTP request through a connection, whichever front end it came from (the `/http/<connection>`
 * proxy, an MCP `http_request` call): the decision on the method and normalised path (the path forwarded
 * is the one decided on), the connection's own credentials injected, the audit of the outcome, and the
 * masking of what comes back.
 */
@Injectable()
export class HttpExchange implements OnApplicationShutdown {
  private readonly targets = new Map<string, HttpTarget>();
  private readonly hosts = new Map<string, string>();
  // Upstream connections are reused across requests and agents: a new TCP (and TLS) connection per request
  // would cost more than the request itself on a fast internal API.
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  constructor(
    @Inject(LOADED_CONFIG) loaded: LoadedConfig,
    private readonly pipeline: CommandPipeline,
    private readonly audit: CommandAudit,
    private readonly connections: ConnectionRegistry,
    private readonly maskers: MaskerCache,
  ) {
    loaded.config.connections.forEach((c, i) => {
      if (c.type !== 'http') return;
      const target = httpTargetOf(c, i);
      this.targets.set(c.name, target);
      for (const host of target.routeHosts) {
        const known = this.hosts.get(host);
        if (known) throw new Error(`connections[${i}].target.routeHosts: ${host} is already routed to ${known}`);
        this.hosts.set(host, c.name);
      }
    });
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** The connection a request's Host header routes to, when host-based routing is configured for it. */
  connectionForHost(host: string | undefined): string | undefined {
    if (!host || this.hosts.size === 0) return undefined;
    return this.hosts.get(host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, ''));
  }

  /** The largest request body a connection forwards (undefined for an unknown connection). */
  requestLimit(connectionName: string): number | undefined {
    return this.targets.get(connectionName)?.maxRequestBytes;
  }

  async admit(
    principal: Principal,
    connectionName: string,
    channel: Channel,
    method: string,
    rest: string,
  ): Promise<AdmittedRequest | HttpRefusal> {
    const connection = this.connections.find(connectionName);
    const target = this.targets.get(connectionName);
    if (!connection || !target)
      return { status: 404, code: 'unknown_connection', detail: `no HTTP connection named "${connectionName}"` };
    const normalized = normalizeHttpRequest(method, rest);
    if (!normalized.ok)
      return {
        status: 400,
        code: 'bad_path',
        detail: `portcullis: ${normalized.error ?? 'the path cannot be normalised'}`,
      };
    const pathAndQuery = pathAndQueryOf(normalized);
    const session = new CallSession(principal, connection, channel);
    const v = await this.pipeline.authorize(
      session,
      { kind: 'http', method: normalized.method, path: pathAndQuery },
      `${normalized.method} ${pathAndQuery}`,
    );
    if (v.verdict !== 'forward') {
      return {
        status: v.code === 'unavailable' ? 503 : 403,
        code: v.code,
        detail: `portcullis: ${v.message}`,
        ruleIds: v.ruleIds,
        ...(v.approvalId ? { approvalId: v.approvalId } : {}),
      };
    }
    const started = process.hrtime.bigint();
    return { session, connectionName, target, verdict: v, method: normalized.method, pathAndQuery, started };
  }

  /** Records the outcome of an admitted request in the audit trail. */
  recorder(a: AdmittedRequest): Recorder {
    return (status, bytes, masked, error) =>
      this.audit.executed(a.session, {
        command: `${a.method} ${a.pathAndQuery}`,
        fingerprint: a.verdict.decision.commandFingerprint,
        outcome: error ? 'error' : 'ok',
        durationMs: Number(process.hrtime.bigint() - a.started) / 1e6,
        bytes,
        masked,
        ...(a.verdict.traceId ? { traceId: a.verdict.traceId } : {}),
        ...(a.verdict.approvalId ? { approvalId: a.verdict.approvalId } : {}),
        ...(error ? { error } : { rows: status }),
      });
  }

  /** Sends the request upstream with the connection's credentials; resolves with the upstream's response. */
  send(a: AdmittedRequest, clientHeaders: IncomingHttpHeaders, body: Buffer): Promise<IncomingMessage> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, val] of Object.entries(clientHeaders)) if (val !== undefined && !STRIPPED.has(k)) headers[k] = val;
    const cred = credentialHeader(this.connections.credentialsFor(a.connectionName));
    if (cred) headers[cred[0]] = cred[1];
    headers['content-length'] = String(body.length);
    const base = a.target.url.endsWith('/') ? a.target.url : `${a.target.url}/`;
    const url = new URL(a.pathAndQuery.replace(/^\//, ''), base);
    return new Promise((resolve, reject) => {
      const https = url.protocol === 'https:';
      const upstream = (https ? httpsRequest : httpRequest)(
        url,
        { method: a.method, headers, agent: https ? this.httpsAgent : this.httpAgent },
        resolve,
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  /** Response headers the client may see. */
  responseHeaders(up: IncomingMessage): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [k, val] of Object.entries(up.headers)) if (val !== undefined && !STRIPPED.has(k)) headers[k] = val;
    return headers;
  }

  masker(a: AdmittedRequest): DecisionMasker | undefined {
    return this.maskers.forDecision(a.verdict.decision);
  }
}

/** Masks a whole body: as JSON when it parses, else as text, so nothing masked is let through unread. */
export function maskBody(m: DecisionMasker, body: Buffer): { body: Buffer; masked: number } {
  try {
    const r = m.masker.maskJson(JSON.parse(body.toString('utf8')));
    return { body: Buffer.from(JSON.stringify(r.value)), masked: r.masked };
  } catch {
    const r = m.masker.maskText(body.toString('utf8'));
    return { body: Buffer.from(r.value), masked: r.masked };
  }
}

/** The whole body, or undefined when it is larger than the limit. Uses Nest's raw copy when it parsed one. */
export async function readBody(
  req: IncomingMessage & { rawBody?: Buffer },
  limit: number,
): Promise<Buffer | undefined> {
  if (req.rawBody) return req.rawBody.length > limit ? undefined : req.rawBody;
  if (req.readableEnded) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
