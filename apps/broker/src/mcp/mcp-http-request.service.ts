import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { HttpExchange, maskBody } from '../http-proxy/http-exchange.service';
import { toolRefusal, type ToolRefusal } from './tool-result';

/** What an agent gets back from one response: enough to act on, bounded so a tool result stays small. */
const MAX_BODY_BYTES = 1024 * 1024;
const TEXTUAL = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|yaml))/i;

export type HttpToolResult =
  | {
      status: 'ok';
      httpStatus: number;
      contentType: string | null;
      body?: string;
      bodyBase64?: string;
      masked: number;
      truncated: boolean;
    }
  | ToolRefusal
  | { status: 'error'; message: string };

/**
 * `http_request` for MCP clients: the HTTP front end's own exchange (decision on method and normalised
 * path, the connection's credentials injected, audit, masking), with the response returned as a value.
 * A response that masking applies to is masked whole (JSON by field and content, anything else as text),
 * and one too large to mask is withheld rather than passed through unread.
 */
@Injectable()
export class McpHttpRequests {
  constructor(private readonly exchange: HttpExchange) {}

  async request(
    principal: Principal,
    connection: string,
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<HttpToolResult> {
    const admitted = await this.exchange.admit(
      principal,
      connection,
      'mcp',
      method,
      path.startsWith('/') ? path : `/${path}`,
    );
    if ('status' in admitted) {
      return admitted.code === 'unknown_connection' || admitted.code === 'bad_path'
        ? { status: 'error', message: admitted.detail }
        : toolRefusal({ ...admitted, message: admitted.detail });
    }
    const record = this.exchange.recorder(admitted);
    let up: IncomingMessage;
    try {
      up = await this.exchange.send(admitted, lowerCased(headers), Buffer.from(body ?? '', 'utf8'));
    } catch (err) {
      record(502, 0, 0, (err as Error).message);
      return { status: 'error', message: `portcullis: the upstream did not answer (${(err as Error).message})` };
    }
    const m = this.exchange.masker(admitted);
    const limit = m ? Math.min(admitted.target.maxMaskedBodyBytes, MAX_BODY_BYTES) : MAX_BODY_BYTES;
    const { data, truncated } = await readUpTo(up, limit);
    const contentType = typeof up.headers['content-type'] === 'string' ? up.headers['content-type'] : null;
    if (m && truncated) {
      record(up.statusCode ?? 0, 0, 0, 'masked response over the size limit');
      return { status: 'error', message: 'portcullis: the response is too large to mask, so it is withheld' };
    }
    const out = m ? maskBody(m, data) : { body: data, masked: 0 };
    record(up.statusCode ?? 0, out.body.length, out.masked);
    const textual = m !== undefined || TEXTUAL.test(contentType ?? 'text/plain');
    return {
      status: 'ok',
      httpStatus: up.statusCode ?? 0,
      contentType,
      ...(textual ? { body: out.body.toString('utf8') } : { bodyBase64: out.body.toString('base64') }),
      masked: out.masked,
      truncated,
    };
  }
}

/** Headers an agent may set; the broker's own (credentials, hop-by-hop) are stripped by the exchange. */
function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The first `limit` bytes of a response, and whether there was more (the rest is not read). */
async function readUpTo(up: IncomingMessage, limit: number): Promise<{ data: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of up) {
    const c = chunk as Buffer;
    if (size + c.length > limit) {
      chunks.push(c.subarray(0, limit - size));
      up.destroy();
      return { data: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(c);
    size += c.length;
  }
  return { data: Buffer.concat(chunks), truncated: false };
}
