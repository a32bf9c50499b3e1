import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { bearerToken } from '@portcullis/http-auth';
import { AccessGate } from '../access/access-gate.service';
import {
  HttpExchange,
  maskBody,
  readBody,
  type AdmittedRequest,
  type HttpRefusal,
  type Recorder,
} from './http-exchange.service';

type Req = IncomingMessage & { rawBody?: Buffer };

/**
 * The HTTP front end: `/http/<connection>/<path>` (or a routed Host) with the agent's bearer token in, the
 * connection's own credentials out. JSON responses are masked when the decision asks for it; other bodies
 * (streams, SSE) pass through as they arrive.
 */
@Injectable()
export class HttpProxy {
  constructor(
    private readonly gate: AccessGate,
    private readonly exchange: HttpExchange,
  ) {}

  connectionForHost(host: string | undefined): string | undefined {
    return this.exchange.connectionForHost(host);
  }

  async handle(req: Req, res: ServerResponse, connectionName: string, rest: string): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    if (!token)
      return problem(
        res,
        { status: 401, code: 'unauthenticated', detail: 'a bearer token is required' },
        {
          'www-authenticate': 'Bearer',
        },
      );
    const auth = await this.gate.authenticate(token, 'http', true);
    if (!auth.ok) {
      return auth.code === 'unavailable'
        ? problem(res, { status: 503, code: 'unavailable', detail: 'the identity service is unavailable' })
        : problem(
            res,
            { status: 401, code: 'unauthenticated', detail: `token refused: ${auth.reason}` },
            {
              'www-authenticate': 'Bearer error="invalid_token"',
            },
          );
    }
    // A body announced as too large is refused before anything is decided, so it never waits for approval.
    const limit = this.exchange.requestLimit(connectionName);
    if (limit !== undefined && Number(req.headers['content-length'] ?? 0) > limit)
      return problem(res, { status: 413, code: 'too_large', detail: `request bodies are limited to ${limit} bytes` });
    const admitted = await this.exchange.admit(auth.principal, connectionName, 'http', req.method ?? 'GET', rest);
    if ('status' in admitted) return problem(res, admitted);
    await this.forward(req, res, admitted);
  }

  private async forward(req: Req, res: ServerResponse, a: AdmittedRequest): Promise<void> {
    const record = this.exchange.recorder(a);
    const body = await readBody(req, a.target.maxRequestBytes);
    if (body === undefined) {
      record(413, 0, 0, 'request body over the size limit');
      return problem(res, {
        status: 413,
        code: 'too_large',
        detail: `request bodies are limited to ${a.target.maxRequestBytes} bytes`,
      });
    }
    let up: IncomingMessage;
    try {
      up = await this.exchange.send(a, req.headers, body);
    } catch (err) {
      const message = (err as Error).message;
      record(502, 0, 0, message);
      return problem(res, {
        status: 502,
        code: 'upstream_unavailable',
        detail: `portcullis: the upstream did not answer (${message})`,
      });
    }
    this.respond(up, res, a, record);
  }

  private respond(up: IncomingMessage, res: ServerResponse, a: AdmittedRequest, record: Recorder): void {
    const headers = this.exchange.responseHeaders(up);
    const m = this.exchange.masker(a);
    const json = /\bjson\b/i.test(String(up.headers['content-type'] ?? ''));
    if (!m || !json) {
      let bytes = 0;
      up.on('data', (d: Buffer) => (bytes += d.length));
      up.on('end', () => record(up.statusCode ?? 0, bytes, 0));
      up.on('error', (err) => {
        record(up.statusCode ?? 0, bytes, 0, err.message);
        res.destroy();
      });
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
      return;
    }
    // Masking needs the whole document: buffer it, within a limit.
    void readBody(up, a.target.maxMaskedBodyBytes).then((body) => {
      if (body === undefined) {
        up.destroy();
        record(502, 0, 0, 'masked response over the size limit');
        return problem(res, {
          status: 502,
          code: 'too_large',
          detail: 'portcullis: the response is too large to mask',
        });
      }
      const out = maskBody(m, body);
      headers['content-length'] = String(out.body.length);
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(out.body);
      record(up.statusCode ?? 0, out.body.length, out.masked);
    });
  }
}

function problem(res: ServerResponse, r: HttpRefusal, headers: Record<string, string> = {}): undefined {
  if (res.headersSent) {
    res.destroy();
    return undefined;
  }
  res.writeHead(r.status, { 'content-type': 'application/problem+json', ...headers });
  res.end(
    JSON.stringify({
      type: `https://portcullis.dev/problems/${r.code}`,
      title: r.code.replace(/_/g, ' '),
      status: r.status,
      code: r.code,
      detail: r.detail,
      ...(r.ruleIds ? { ruleIds: r.ruleIds } : {}),
      ...(r.approvalId ? { approvalId: r.approvalId } : {}),
    }),
  );
  return undefined;
}
