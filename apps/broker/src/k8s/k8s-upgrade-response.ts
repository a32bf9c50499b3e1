import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { k8sStatus, sendStatusOnSocket } from './k8s-status';

/** Most of a refusal body the broker relays from the cluster for a refused upgrade. */
const MAX_RELAYED_BODY = 64 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

/**
 * The cluster answered an upgrade with an ordinary response (a 403 of its own RBAC, a 400, a 404 for a
 * missing pod, or a cluster without WebSocket streaming, which makes kubectl fall back to SPDY): the agent
 * gets that answer as it is, headers and a bounded body, on the raw socket.
 */
export function relayRefusedUpgrade(socket: Duplex, answer: IncomingMessage): void {
  const chunks: Buffer[] = [];
  let size = 0;
  answer.on('data', (d: Buffer) => {
    if (size < MAX_RELAYED_BODY) chunks.push(d.subarray(0, MAX_RELAYED_BODY - size));
    size += d.length;
  });
  answer.on('error', () => socket.destroy());
  answer.on('end', () => {
    if (socket.destroyed) return;
    const body = Buffer.concat(chunks);
    const status = answer.statusCode ?? 502;
    const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`];
    for (const [k, v] of Object.entries(answer.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
    }
    lines.push(`content-length: ${body.length}`, 'connection: close');
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.end(body);
  });
}

export function upstreamUnreachable(socket: Duplex, err: Error): void {
  sendStatusOnSocket(socket, k8sStatus(502, `portcullis: the cluster did not answer (${err.message})`));
}
