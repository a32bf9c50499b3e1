// A small Kubernetes API stand-in for the broker's tests (no cluster here): discovery, pods get/list/
// delete, pods/log (with follow), config maps get/create/patch/delete, events, and streaming endpoints
// (streams.ts). It serves HTTPS with its own certificate and answers only the bearer token it was given,
// recording every Authorization header it saw, so tests prove the broker's credential is the one used.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { freePort } from '@portcullis/testing';
import {
  apiGroups,
  apiVersions,
  coreResources,
  list,
  mergePatch,
  nextVersion,
  openapiV3CoreV1,
  openapiV3Root,
  pod,
  status,
  versionInfo,
  type K8sObject,
} from './api-objects';
import { StandinStreams } from './streams';

export interface K8sStandin {
  url: string;
  /** The stand-in's certificate, for the broker's `caCert`. */
  caCert: string;
  /** Every Authorization header value received (undefined when none was sent), in order. */
  authorizations: Array<string | undefined>;
  /** Every request line received, `METHOD path?query`. */
  requests: string[];
  /** Argv of every exec run. */
  execs: string[][];
  /** The directory exec commands run in. */
  sandbox: string;
  /** Lines `kubectl logs` returns for every pod. */
  logLines: string[];
  stop(): Promise<void>;
}

type Store = Map<string, K8sObject>;
const key = (ns: string, name: string) => `${ns}/${name}`;

export async function startK8sStandin(opts: { token: string }): Promise<K8sStandin> {
  const pems = await generate([{ name: 'commonName', value: 'k8s-standin' }], {
    keySize: 2048,
    days: 1,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  } as never);
  const sandbox = mkdtempSync(join(tmpdir(), 'k8s-standin-'));
  const streams = new StandinStreams(sandbox);
  const pods: Store = new Map([
    [key('default', 'web'), pod('web', 'default')],
    [key('default', 'batch'), pod('batch', 'default')],
  ]);
  const configmaps: Store = new Map();
  const state = {
    authorizations: [] as Array<string | undefined>,
    requests: [] as string[],
    logLines: ['starting web', 'serving on :8080'],
  };
  const authorized = (req: IncomingMessage) => {
    state.authorizations.push(req.headers.authorization);
    state.requests.push(`${req.method} ${req.url}`);
    return req.headers.authorization === `Bearer ${opts.token}`;
  };

  const server: Server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
    if (!authorized(req)) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const url = new URL(req.url ?? '/', 'https://standin');
    void readJson(req).then((body) => route(req.method ?? 'GET', url, body, res, { pods, configmaps }, state.logLines));
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (!authorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    streams.upgrade(req, socket, head, new URL(req.url ?? '/', 'https://standin'));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `https://127.0.0.1:${port}`,
    caCert: pems.cert,
    authorizations: state.authorizations,
    requests: state.requests,
    execs: streams.execs,
    sandbox,
    logLines: state.logLines,
    async stop() {
      streams.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(sandbox, { recursive: true, force: true });
    },
  };
}

function route(
  method: string,
  url: URL,
  body: unknown,
  res: ServerResponse,
  stores: { pods: Store; configmaps: Store },
  logLines: string[],
): void {
  const p = url.pathname.replace(/\/$/, '');
  if (p === '/version') return send(res, 200, versionInfo);
  if (p === '/api') return send(res, 200, apiVersions);
  if (p === '/apis') return send(res, 200, apiGroups);
  if (p === '/api/v1') return send(res, 200, coreResources);
  if (p === '/openapi/v3') return send(res, 200, openapiV3Root);
  if (p === '/openapi/v3/api/v1') return send(res, 200, openapiV3CoreV1);
  const m =
    /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?(pods|configmaps|events|namespaces)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(p);
  if (!m) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  const [, ns, resource, name, sub] = m;
  if (resource === 'events') return send(res, 200, list('Event', []));
  if (resource === 'namespaces') return namespaces(res, name);
  const store = resource === 'pods' ? stores.pods : stores.configmaps;
  const kind = resource === 'pods' ? 'Pod' : 'ConfigMap';
  if (sub === 'log') return logs(res, url, logLines, store.has(key(ns ?? '', name ?? '')));
  if (!name) return collection(method, url, res, store, kind, ns, body);
  return item(method, res, store, kind, ns ?? 'default', name, body);
}

function namespaces(res: ServerResponse, name: string | undefined): void {
  const ns = (n: string) => ({
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name: n },
    status: { phase: 'Active' },
  });
  if (name) return send(res, 200, ns(name));
  send(res, 200, list('Namespace', [ns('default') as K8sObject]));
}

function collection(
  method: string,
  url: URL,
  res: ServerResponse,
  store: Store,
  kind: string,
  ns: string | undefined,
  body: unknown,
): void {
  if (method === 'POST') {
    const obj = body as K8sObject;
    const name = obj?.metadata?.name;
    if (!name || !ns) return send(res, 400, status(400, 'BadRequest', 'metadata.name is required'));
    if (store.has(key(ns, name)))
      return send(res, 409, status(409, 'AlreadyExists', `${kind} "${name}" already exists`));
    obj.metadata = { ...obj.metadata, namespace: ns, uid: `uid-${ns}-${name}`, resourceVersion: nextVersion() };
    obj.metadata.creationTimestamp = new Date().toISOString();
    store.set(key(ns, name), obj);
    return send(res, 201, obj);
  }
  const wanted = /metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
  const items = [...store.values()].filter(
    (o) => (!ns || o.metadata.namespace === ns) && (!wanted || o.metadata.name === wanted),
  );
  if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
    // Nothing ever changes here: a watch stays quiet until the client gives up, bounded for the tests.
    res.writeHead(200, { 'content-type': 'application/json' });
    const t = setTimeout(() => res.end(), 5000);
    res.on('close', () => clearTimeout(t));
    return;
  }
  send(res, 200, list(kind, items));
}

function item(
  method: string,
  res: ServerResponse,
  store: Store,
  kind: string,
  ns: string,
  name: string,
  body: unknown,
) {
  const found = store.get(key(ns, name));
  const missing = () => send(res, 404, status(404, 'NotFound', `${kind.toLowerCase()}s "${name}" not found`));
  if (method === 'GET') return found ? send(res, 200, found) : missing();
  if (method === 'DELETE') {
    if (!found) return missing();
    store.delete(key(ns, name));
    return send(res, 200, found);
  }
  if (method === 'PATCH' || method === 'PUT') {
    if (!found) return missing();
    const next = (method === 'PUT' ? body : mergePatch(found, body)) as K8sObject;
    next.metadata = { ...next.metadata, name, namespace: ns, resourceVersion: nextVersion() };
    store.set(key(ns, name), next);
    return send(res, 200, next);
  }
  send(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported here`));
}

function logs(res: ServerResponse, url: URL, lines: string[], exists: boolean): void {
  if (!exists) return send(res, 404, status(404, 'NotFound', 'pod not found'));
  res.writeHead(200, { 'content-type': 'text/plain' });
  if (url.searchParams.get('follow') !== 'true') return void res.end(lines.map((l) => `${l}\n`).join(''));
  // Followed logs arrive over time, then the container exits.
  let i = 0;
  const t = setInterval(() => {
    if (i < lines.length) res.write(`${lines[i++]}\n`);
    else {
      clearInterval(t);
      res.end();
    }
  }, 100);
  res.on('close', () => clearInterval(t));
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
