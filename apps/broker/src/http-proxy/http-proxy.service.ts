import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import { normalizeHttpRequest } from '@portcullis/command-classifier';
import type { LoadedConfig } from '@portcullis/config';
import { bearerToken } from '@portcullis/http-auth';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { AccessGate } from '../access/access-gate.service';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline } from '../pipeline/command-pipeline.service';
import { MaskerCache } from '../pipeline/masker-cache';
import { CallSession } from '../sessions/call-session';
import { credentialHeader, httpTargetOf, type HttpTarget } from './http-target';

/** Connection-specific headers that must not cross a proxy (RFC 9110 §7.6.1), plus the agent's credentials. */
const STRIPPED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'authorization',
  'cookie',
  'host',
  'content-length',
]);

type Req = IncomingMessage & { rawBody?: Buffer };

interface Admitted {
  session: CallSession;
  target: HttpTarget;
  verdict: Extract<Awaited<ReturnType<CommandPipeline['authorize']>>, { verdict: 'forward' }>;
  method: string;
  pathAndQuery: string;
}

/**
 * The HTTP front end: `/http/<connection>/<path>` with the agent's bearer token in, the connection's own
 * credentials out, each request decided on its method and normalised path (the path forwarded is the one
 * decided on), JSON responses masked, other bodies (streams, SSE) passed through.
 */
@Injectable()
export class HttpProxy {
  private readonly targets = new Map<string, HttpTarget>();

  constructor(
    @Inject(LOADED_CONFIG) loaded: LoadedConfig,
    private readonly gate: AccessGate,
    private readonly pipeline: CommandPipeline,
    private readonly audit: CommandAudit,
    private readonly connections: ConnectionRegistry,
    private readonly maskers: MaskerCache,
  ) {
    loaded.config.connections.forEach((c, i) => {
      if (c.type === 'http') this.targets.set(c.name, httpTargetOf(c, i));
    });
  }

  async handle(req: Req, res: ServerResponse, connectionName: string, rest: string): Promise<void> {
    const admitted = await this.admit(req, res, connectionName, rest);
    if (admitted) await this.forward(req, res, connectionName, admitted);
  }

  /** Token, connection, path and decision; on any refusal the problem is sent and nothing is returned. */
  private async admit(
    req: Req,
    res: ServerResponse,
    connectionName: string,
    rest: string,
  ): Promise<Admitted | undefined> {
    const token = bearerToken(req.headers.authorization);
    if (!token)
      return problem(res, 401, 'unauthenticated', 'a bearer token is required', { 'www-authenticate': 'Bearer' });
    const auth = await this.gate.authenticate(token, 'http');
    if (!auth.ok) {
      return auth.code === 'unavailable'
        ? problem(res, 503, 'unavailable', 'the identity service is unavailable')
        : problem(res, 401, 'unauthenticated', `token refused: ${auth.reason}`, {
            'www-authenticate': 'Bearer error="invalid_token"',
          });
    }
    const connection = this.connections.find(connectionName);
    const target = this.targets.get(connectionName);
    if (!connection || !target)
      return problem(res, 404, 'unknown_connection', `no HTTP connection named "${connectionName}"`);
    const normalized = normalizeHttpRequest(req.method ?? 'GET', rest);
    if (!normalized.ok)
      return problem(res, 400, 'bad_path', `portcullis: ${normalized.error ?? 'the path cannot be normalised'}`);
    const query = new URLSearchParams(
      Object.entries(normalized.query).flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])),
    ).toString();
    const pathAndQuery = `${normalized.path}${query ? `?${query}` : ''}`;

    const session = new CallSession(auth.principal, connection, 'http');
    const v = await this.pipeline.authorize(
      session,
      { kind: 'http', method: normalized.method, path: pathAndQuery },
      `${normalized.method} ${pathAndQuery}`,
    );
    if (v.verdict !== 'forward') {
      const status = v.code === 'unavailable' ? 503 : 403;
      return problem(
        res,
        status,
        v.code,
        `portcullis: ${v.message}`,
        {},
        { ruleIds: v.ruleIds, ...(v.approvalId ? { approvalId: v.approvalId } : {}) },
      );
    }
    return { session, target, verdict: v, method: normalized.method, pathAndQuery };
  }

  private async forward(req: Req, res: ServerResponse, connectionName: string, a: Admitted): Promise<void> {
    const { session, target, verdict: v, pathAndQuery } = a;
    const normalized = { method: a.method };
    const body = await readBody(req, target.maxRequestBytes);
    if (body === undefined)
      return problem(res, 413, 'too_large', `request bodies are limited to ${target.maxRequestBytes} bytes`);
    const started = process.hrtime.bigint();
    const record = (status: number, bytes: number, masked: number, error?: string) =>
      this.audit.executed(session, {
        command: `${normalized.method} ${pathAndQuery}`,
        fingerprint: v.decision.commandFingerprint,
        outcome: error ? 'error' : 'ok',
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        bytes,
        masked,
        ...(v.traceId ? { traceId: v.traceId } : {}),
        ...(v.approvalId ? { approvalId: v.approvalId } : {}),
        ...(error ? { error } : { rows: status }),
      });
    const headers: Record<string, string | string[]> = {};
    for (const [k, val] of Object.entries(req.headers)) if (val !== undefined && !STRIPPED.has(k)) headers[k] = val;
    const cred = credentialHeader(this.connections.credentialsFor(connectionName));
    if (cred) headers[cred[0]] = cred[1];
    headers['content-length'] = String(body.length);
    const url = new URL(pathAndQuery.replace(/^\//, ''), target.url.endsWith('/') ? target.url : `${target.url}/`);
    const upstream = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: normalized.method, headers },
      (up) => this.respond(up, res, v.decision, target, record),
    );
    upstream.on('error', (err) => {
      record(502, 0, 0, err.message);
      if (!res.headersSent)
        problem(res, 502, 'upstream_unavailable', `portcullis: the upstream did not answer (${err.message})`);
      else res.destroy();
    });
    upstream.end(body);
  }

  private respond(
    up: IncomingMessage,
    res: ServerResponse,
    decision: Parameters<MaskerCache['forDecision']>[0],
    target: HttpTarget,
    record: (status: number, bytes: number, masked: number, error?: string) => void,
  ): void {
    const headers: Record<string, string | string[]> = {};
    for (const [k, val] of Object.entries(up.headers)) if (val !== undefined && !STRIPPED.has(k)) headers[k] = val;
    const m = this.maskers.forDecision(decision);
    const json = /\bjson\b/i.test(String(up.headers['content-type'] ?? ''));
    if (!m || !json) {
      let bytes = 0;
      up.on('data', (d: Buffer) => (bytes += d.length));
      up.on('end', () => record(up.statusCode ?? 0, bytes, 0));
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
      return;
    }
    // Masking needs the whole document: buffer it, within a limit.
    void readBody(up, target.maxMaskedBodyBytes).then((body) => {
      if (body === undefined) {
        record(502, 0, 0, 'masked response over the size limit');
        return problem(res, 502, 'too_large', 'portcullis: the response is too large to mask');
      }
      let out = body;
      let masked = 0;
      try {
        const r = m.masker.maskJson(JSON.parse(body.toString('utf8')));
        masked = r.masked;
        out = Buffer.from(JSON.stringify(r.value));
      } catch {
        // Not JSON after all: mask it as text rather than let it through unread.
        const r = m.masker.maskText(body.toString('utf8'));
        masked = r.masked;
        out = Buffer.from(r.value);
      }
      headers['content-length'] = String(out.length);
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(out);
      record(up.statusCode ?? 0, out.length, masked);
    });
  }
}

function problem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): undefined {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(
    JSON.stringify({
      type: `https://portcullis.dev/problems/${code}`,
      title: code.replace(/_/g, ' '),
      status,
      code,
      detail,
      ...extra,
    }),
  );
  return undefined;
}

/** The whole body, or undefined when it is larger than the limit. Uses Nest's raw copy when it parsed one. */
async function readBody(req: IncomingMessage & { rawBody?: Buffer }, limit: number): Promise<Buffer | undefined> {
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
