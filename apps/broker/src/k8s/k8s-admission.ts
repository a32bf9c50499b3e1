import type { IncomingMessage } from 'node:http';
import { classifyK8sRequest, normalizeHttpRequest, pathAndQueryOf } from '@portcullis/command-classifier';
import { bearerToken } from '@portcullis/http-auth';
import type { AccessGate } from '../access/access-gate.service';
import type { ConnectionRegistry } from '../connections/connection-registry.service';
import type { CommandPipeline, CommandVerdict } from '../pipeline/command-pipeline.service';
import { k8sStatus, refusalStatus, type K8sStatus } from './k8s-status';
import { K8sSession } from './k8s-session';
import { stdinScreeningOf, type StdinScreening } from './k8s-stdin';
import type { K8sUpstream } from './k8s-target';

/** What the request is, as far as the front end needs to carry it; deciding stays with policy. */
export interface K8sRequestFacts {
  subresource?: string;
  namespace?: string;
  name?: string;
  command?: string[];
  stdin: boolean;
  tty: boolean;
  /** How stdin is screened (exec and attach): as typed at a terminal, or as a script a shell reads. */
  screenStdin?: StdinScreening;
}

export type Admission =
  | {
      ok: true;
      session: K8sSession;
      upstream: K8sUpstream;
      method: string;
      /** The normalised path and query: decided on, and the only one forwarded. */
      pathAndQuery: string;
      facts: K8sRequestFacts;
      verdict: Extract<CommandVerdict, { verdict: 'forward' }>;
    }
  | { ok: false; status: K8sStatus; headers?: Record<string, string> };

export interface AdmissionDeps {
  gate: AccessGate;
  pipeline: CommandPipeline;
  connections: ConnectionRegistry;
  upstreams: ReadonlyMap<string, K8sUpstream>;
}

const PREFIX = '/k8s/';

/** `/k8s/<connection>/<rest>` split, the rest kept raw for normalisation. */
export function routeOf(url: string): { connection: string; rest: string } | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const after = url.slice(PREFIX.length);
  const end = after.search(/[/?]/);
  const name = end < 0 ? after : after.slice(0, end);
  let connection: string;
  try {
    connection = decodeURIComponent(name);
  } catch {
    return undefined;
  }
  if (!connection) return undefined;
  const rest = end < 0 ? '/' : after.slice(end);
  return { connection, rest: rest.startsWith('?') ? `/${rest}` : rest };
}

/**
 * Token, connection, normalised path and the pipeline's verdict for one request to the Kubernetes front
 * end. Every failure is a Status for the client; nothing reaches the cluster unless this says so.
 */
export async function admit(deps: AdmissionDeps, req: IncomingMessage): Promise<Admission> {
  const route = routeOf(req.url ?? '');
  if (!route) return refuse(404, 'portcullis: the path must be /k8s/<connection>/…');
  const token = bearerToken(req.headers.authorization);
  if (!token) return refuse(401, 'portcullis: a bearer token is required', { 'www-authenticate': 'Bearer' });
  const auth = await deps.gate.authenticate(token, 'k8s');
  if (!auth.ok) {
    return auth.code === 'unavailable'
      ? refuse(503, 'portcullis: the identity service is unavailable')
      : refuse(401, `portcullis: token refused (${auth.reason})`, {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
  }
  const connection = deps.connections.find(route.connection);
  const upstream = deps.upstreams.get(route.connection);
  if (!connection || !upstream) return refuse(404, `portcullis: no Kubernetes connection named "${route.connection}"`);
  const normalized = normalizeHttpRequest(req.method ?? 'GET', route.rest);
  if (!normalized.ok) return refuse(400, `portcullis: ${normalized.error ?? 'the path cannot be normalised'}`);
  const pathAndQuery = pathAndQueryOf(normalized);

  const session = new K8sSession(auth.principal, connection);
  const verdict = await deps.pipeline.authorize(
    session,
    { kind: 'k8s', method: normalized.method, path: pathAndQuery },
    `${normalized.method} ${pathAndQuery}`,
  );
  if (verdict.verdict !== 'forward') return { ok: false, status: refusalStatus(verdict) };
  const facts = factsOf(normalized.method, pathAndQuery);
  const screenStdin = await stdinScreeningOf(facts.command, facts.stdin, facts.tty);
  return {
    ok: true,
    session,
    upstream,
    method: normalized.method,
    pathAndQuery,
    facts: screenStdin ? { ...facts, screenStdin } : facts,
    verdict,
  };
}

/**
 * The subresource a request names (exec, attach, portforward …), read before anything is decided, so a
 * front end can refuse a transport it cannot read without raising a decision or an approval.
 */
export function subresourceOf(req: IncomingMessage): string | undefined {
  const route = routeOf(req.url ?? '');
  if (!route) return undefined;
  const normalized = normalizeHttpRequest(req.method ?? 'GET', route.rest);
  if (!normalized.ok) return undefined;
  return classifyK8sRequest(normalized.method, pathAndQueryOf(normalized)).subresource;
}

function factsOf(method: string, pathAndQuery: string): K8sRequestFacts {
  const info = classifyK8sRequest(method, pathAndQuery);
  return {
    ...(info.subresource ? { subresource: info.subresource } : {}),
    ...(info.namespace ? { namespace: info.namespace } : {}),
    ...(info.name ? { name: info.name } : {}),
    ...(info.execCommand ? { command: info.execCommand } : {}),
    stdin: info.stdin ?? false,
    tty: info.tty ?? false,
  };
}

function refuse(code: number, message: string, headers?: Record<string, string>): Admission {
  return { ok: false, status: k8sStatus(code, message), ...(headers ? { headers } : {}) };
}
