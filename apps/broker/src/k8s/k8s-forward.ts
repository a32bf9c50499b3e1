import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StreamMasker } from '@portcullis/masking';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { clientResponseHeaders, upstreamRequestHeaders } from './k8s-headers';
import { k8sStatus, sendStatus } from './k8s-status';
import { upstreamUrl } from './k8s-target';

type Admitted = Extract<Admission, { ok: true }>;

/** Content the masker can read as text; anything else cannot be masked and is refused when masking applies. */
const TEXTUAL = /^(application\/(json|yaml|x-yaml|.*\+json)|text\/)/i;

/**
 * Carries one ordinary API request (get, list, watch, logs, apply, delete …) to the cluster with the
 * connection's credential and streams the answer back: responses are masked line by line when the decision
 * masks (so `logs -f` and watches keep streaming), and the request lives in the session registry while it
 * is open so a suspension cuts a long watch or log stream.
 */
export function forwardRequest(deps: K8sCarrierDeps, req: IncomingMessage, res: ServerResponse, a: Admitted): void {
  const { session, upstream, verdict } = a;
  const m = deps.maskers.forDecision(verdict.decision);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > upstream.maxRequestBytes) {
    return sendStatus(
      res,
      k8sStatus(413, `portcullis: request bodies are limited to ${upstream.maxRequestBytes} bytes`),
    );
  }
  const started = process.hrtime.bigint();
  let bytes = 0;
  let masked = 0;
  let done = false;
  const finish = (status: number, error?: string) => {
    if (done) return;
    done = true;
    unregister();
    deps.audit.executed(session, {
      command: `${a.method} ${a.pathAndQuery}`,
      fingerprint: verdict.decision.commandFingerprint,
      outcome: error ? 'error' : 'ok',
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      bytes,
      masked,
      ...(verdict.traceId ? { traceId: verdict.traceId } : {}),
      ...(verdict.approvalId ? { approvalId: verdict.approvalId } : {}),
      ...(error ? { error } : { rows: status }),
    });
  };
  const unregister = deps.registry.register(session);
  const url = upstreamUrl(upstream, a.pathAndQuery);
  const up = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: a.method,
    headers: upstreamRequestHeaders(req.headers, upstream, { identityEncoding: m !== undefined }),
    ...upstream.tls,
  });
  session.onTerminate((reason, message) => {
    up.destroy();
    finish(0, `${reason}: ${message}`);
    if (!res.headersSent) sendStatus(res, k8sStatus(403, `portcullis: ${message}`));
    else res.destroy();
  });
  res.on('close', () => {
    up.destroy();
    finish(res.statusCode, res.writableFinished ? undefined : 'client closed the request');
  });
  up.on('error', (err) => {
    finish(502, err.message);
    sendStatus(res, k8sStatus(502, `portcullis: the cluster did not answer (${err.message})`));
  });
  up.on('response', (answer) => {
    const rewrite = m !== undefined;
    if (
      rewrite &&
      (!TEXTUAL.test(String(answer.headers['content-type'] ?? '')) || answer.headers['content-encoding'])
    ) {
      answer.destroy();
      finish(502, 'unmaskable response');
      return sendStatus(
        res,
        k8sStatus(502, 'portcullis: the response cannot be masked (not plain text), so it is withheld'),
      );
    }
    res.writeHead(answer.statusCode ?? 502, clientResponseHeaders(answer.headers, rewrite));
    res.flushHeaders();
    if (!m) {
      answer.on('data', (d: Buffer) => (bytes += d.length));
      answer.pipe(res);
      return;
    }
    const masker = new StreamMasker(m.masker, (text) => {
      bytes += Buffer.byteLength(text);
      res.write(text);
    });
    answer.on('data', (d: Buffer) => masker.write(d));
    answer.on('end', () => {
      masker.flush();
      masked = masker.masked;
      res.end();
    });
  });
  pipeBody(req, up, upstream.maxRequestBytes, () => {
    up.destroy();
    finish(413, 'request body over the limit');
    sendStatus(res, k8sStatus(413, `portcullis: request bodies are limited to ${upstream.maxRequestBytes} bytes`));
  });
}

/** Streams the agent's body to the cluster, stopping at the limit (a missing content-length cannot dodge it). */
function pipeBody(req: IncomingMessage, up: ReturnType<typeof httpRequest>, limit: number, tooLarge: () => void): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.pause();
      tooLarge();
      return;
    }
    if (!up.write(chunk)) {
      req.pause();
      up.once('drain', () => req.resume());
    }
  });
  req.on('end', () => up.end());
}
