import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { NOT_FORWARDED } from '../connections/forwarded-headers';
import type { K8sUpstream } from './k8s-target';

/**
 * Besides the headers no front end forwards, every header the API server would read as an identity claim
 * (impersonation, front-proxy user headers): with the broker's credential behind them they would let an
 * agent act as someone else.
 */
const IDENTITY = /^(impersonate-|x-remote-)/i;
/** WebSocket handshake headers: the broker makes its own handshake with the cluster. */
const WEBSOCKET = /^sec-websocket-/i;

/** The agent's request headers as the cluster may see them, with the connection's credential added. */
export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  upstream: K8sUpstream,
  opts: { keepUpgrade?: boolean; identityEncoding?: boolean } = {},
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || NOT_FORWARDED.has(k) || IDENTITY.test(k) || WEBSOCKET.test(k)) continue;
    // Masking reads the body as text: ask the cluster not to compress it.
    if (opts.identityEncoding && k === 'accept-encoding') continue;
    out[k] = v;
  }
  if (opts.keepUpgrade) {
    out.connection = 'Upgrade';
    if (headers.upgrade) out.upgrade = headers.upgrade;
  }
  if (upstream.authorization) out.authorization = upstream.authorization;
  return out;
}

/** The cluster's response headers for the agent, hop-by-hop ones removed (and the length, when rewritten). */
export function clientResponseHeaders(headers: IncomingHttpHeaders, rewritten: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || NOT_FORWARDED.has(k) || (rewritten && k === 'content-length')) continue;
    out[k] = v;
  }
  return out;
}
