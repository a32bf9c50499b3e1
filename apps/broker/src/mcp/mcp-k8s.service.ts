import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import WebSocket from 'ws';
import { TlsMaterialProvider } from '../tls/tls-material.service';
import { ownHost, pinnedTo } from './own-listener';
import { toolRefusal, type ToolRefusal } from './tool-result';

const MAX_OUTPUT_BYTES = 1024 * 1024;

export type K8sToolResult =
  | { status: 'ok'; httpStatus: number; body: string; truncated: boolean }
  | ToolRefusal
  | { status: 'error'; message: string; httpStatus?: number };

export type ExecToolResult =
  | { status: 'ok'; exitCode: number; stdout: string; stderr: string; truncated: boolean }
  | ToolRefusal
  | { status: 'error'; message: string; stdout?: string; stderr?: string };

interface StatusObject {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

/**
 * `k8s_request` and `kubectl_exec` for MCP clients, as clients of this broker's own Kubernetes listener
 * (see own-listener.ts): a request is decided on its verb and resource, an exec on its argv, output masked
 * and recorded, all exactly as for kubectl.
 */
@Injectable()
export class McpK8s {
  constructor(
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
    private readonly tls: TlsMaterialProvider,
  ) {}

  request(token: string, connection: string, method: string, path: string, body?: string): Promise<K8sToolResult> {
    const pinned = pinnedTo(this.tls.get().cert);
    return new Promise((resolve) => {
      const req = httpsRequest(
        {
          host: ownHost(),
          port: this.loaded.config.services.broker.k8sPort,
          method,
          path: `/k8s/${encodeURIComponent(connection)}${path.startsWith('/') ? path : `/${path}`}`,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body !== undefined
              ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }
              : {}),
          },
          rejectUnauthorized: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let truncated = false;
          res.on('data', (d: Buffer) => {
            if (size + d.length > MAX_OUTPUT_BYTES) truncated = true;
            else chunks.push(d);
            size += d.length;
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            const refusal = status >= 400 ? refusalOf(parseStatus(text)) : undefined;
            if (refusal) return resolve(refusal);
            if (status >= 400)
              return resolve({ status: 'error', httpStatus: status, message: parseStatus(text)?.message ?? text });
            resolve({ status: 'ok', httpStatus: status, body: text, truncated });
          });
        },
      );
      req.on('socket', (s) => s.once('secureConnect', () => pinned(s as TLSSocket) || req.destroy(new Error('pin'))));
      req.on('error', (err) => resolve({ status: 'error', message: `portcullis: ${err.message}` }));
      req.end(body);
    });
  }

  exec(
    token: string,
    connection: string,
    target: { namespace: string; pod: string; container?: string; command: string[] },
    timeoutMs: number,
  ): Promise<ExecToolResult> {
    const query = new URLSearchParams([
      ...target.command.map((c): [string, string] => ['command', c]),
      ['stdout', 'true'],
      ['stderr', 'true'],
      ...(target.container ? [['container', target.container] as [string, string]] : []),
    ]);
    const path = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec`;
    const url = `wss://${ownHost()}:${this.loaded.config.services.broker.k8sPort}/k8s/${encodeURIComponent(connection)}${path}?${query}`;
    const pinned = pinnedTo(this.tls.get().cert);
    return new Promise((resolve) => {
      const out: Record<1 | 2, Buffer[]> = { 1: [], 2: [] };
      let size = 0;
      let truncated = false;
      let status: StatusObject | undefined;
      const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
        headers: { authorization: `Bearer ${token}` },
        rejectUnauthorized: false,
        maxPayload: MAX_OUTPUT_BYTES,
      });
      const text = (ch: 1 | 2) => Buffer.concat(out[ch]).toString('utf8');
      const timer = setTimeout(() => {
        ws.terminate();
        resolve({ status: 'error', message: 'portcullis: the command timed out', stdout: text(1), stderr: text(2) });
      }, timeoutMs);
      ws.on('upgrade', (res) => pinned(res.socket as TLSSocket) || ws.terminate());
      ws.on('message', (data: Buffer) => {
        const channel = data[0];
        const payload = data.subarray(1);
        if (channel === 1 || channel === 2) {
          if (size + payload.length > MAX_OUTPUT_BYTES) truncated = true;
          else out[channel].push(payload);
          size += payload.length;
        } else if (channel === 3) status = parseStatus(payload.toString('utf8'));
      });
      ws.on('close', () => {
        clearTimeout(timer);
        const refusal = refusalOf(status);
        if (refusal) return resolve(refusal);
        const exitCode = exitCodeOf(status);
        if (exitCode === undefined)
          return resolve({
            status: 'error',
            message: `portcullis: ${status?.message ?? 'the exec stream ended without a status'}`,
            stdout: text(1),
            stderr: text(2),
          });
        resolve({ status: 'ok', exitCode, stdout: text(1), stderr: text(2), truncated });
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        resolve({ status: 'error', message: `portcullis: ${err.message}` });
      });
    });
  }
}

function parseStatus(text: string): StatusObject | undefined {
  try {
    const s = JSON.parse(text) as StatusObject;
    return typeof s === 'object' && s !== null ? s : undefined;
  } catch {
    return undefined;
  }
}

/** A Status the broker itself sent for a refused request (it names its refusal code), as a tool result. */
function refusalOf(s: StatusObject | undefined): ToolRefusal | undefined {
  const causes = s?.details?.causes ?? [];
  const code = causes.find((c) => c.reason === 'PortcullisRefusal')?.message;
  if (!code || !s?.message) return undefined;
  const approvalId = causes.find((c) => c.reason === 'ApprovalId')?.message;
  const ruleIds = causes.filter((c) => c.reason === 'PolicyRule').map((c) => c.message ?? '');
  return toolRefusal({ code, message: s.message, ruleIds, ...(approvalId ? { approvalId } : {}) });
}

/** Kubernetes reports an exec's exit: Success for 0, NonZeroExitCode with an ExitCode cause otherwise. */
function exitCodeOf(s: StatusObject | undefined): number | undefined {
  if (s?.status === 'Success') return 0;
  if (s?.reason !== 'NonZeroExitCode') return undefined;
  const code = Number(s.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
  return Number.isInteger(code) ? code : undefined;
}
