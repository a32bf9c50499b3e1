import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CommandVerdict } from '../pipeline/command-pipeline.service';

/** A Kubernetes `metav1.Status`: what kubectl decodes and prints as `Error from server (Reason): message`. */
export interface K8sStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: { causes: Array<{ reason: string; message: string }> };
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  413: 'RequestEntityTooLarge',
  502: 'InternalError',
  503: 'ServiceUnavailable',
};

export function k8sStatus(code: number, message: string, causes: Array<{ reason: string; message: string }> = []) {
  const status: K8sStatus = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: REASONS[code] ?? 'InternalError',
    code,
  };
  if (causes.length > 0) status.details = { causes };
  return status;
}

/** A refusal of the pipeline as a Status: 503 when nothing could decide, 403 otherwise; names rules and approval. */
export function refusalStatus(v: Extract<CommandVerdict, { verdict: 'refuse' }>): K8sStatus {
  const rules =
    v.ruleIds.length > 0 && !v.message.includes(v.ruleIds[0] as string) ? ` (rules ${v.ruleIds.join(', ')})` : '';
  const approval = v.approvalId && !v.message.includes(v.approvalId) ? ` (approval id ${v.approvalId})` : '';
  return k8sStatus(v.code === 'unavailable' ? 503 : 403, `portcullis: ${v.message}${rules}${approval}`, [
    ...v.ruleIds.map((id) => ({ reason: 'PolicyRule', message: id })),
    ...(v.approvalId ? [{ reason: 'ApprovalId', message: v.approvalId }] : []),
    // Machine-readable for clients that act on it (an MCP tool turns approval_pending into a pending result).
    { reason: 'PortcullisRefusal', message: v.code },
  ]);
}

export function sendStatus(res: ServerResponse, status: K8sStatus, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(status);
  res.writeHead(status.code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** The same answer on a socket whose upgrade is refused, before any protocol switch. */
export function sendStatusOnSocket(socket: Duplex, status: K8sStatus, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  const lines = [
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
