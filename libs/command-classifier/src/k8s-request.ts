import { normalizeHttpRequest } from './http-path';
import type { K8sRequestInfo } from './types';

// Mirrors k8s.io/apiserver/pkg/endpoints/request/requestinfo.go (RequestInfoFactory).
const API_PREFIXES = new Set(['api', 'apis']);
const GROUPLESS_PREFIXES = new Set(['api']);
const SPECIAL_VERBS = new Set(['proxy', 'watch']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);
const EXEC_LIKE = new Set([...CONNECT_SUBRESOURCES, 'ephemeralcontainers']);
const METHOD_VERBS: Record<string, string> = {
  POST: 'create',
  GET: 'get',
  HEAD: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Like apimachinery's bool query conversion: present and not "0"/"false" means true. */
function boolParam(values: string[] | undefined): boolean {
  if (!values?.length) return false;
  const v = values[0] as string;
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** fieldSelector=metadata.name=x narrows a list to one name (fields.RequiresExactMatch). */
function nameFromFieldSelector(sel: string | undefined): string | undefined {
  if (!sel) return undefined;
  for (const term of sel.split(/(?<!\\),/)) {
    const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(term);
    if (!m) continue;
    const name = (m[2] as string).replace(/\\(.)/g, '$1');
    // path.IsValidPathSegmentName
    if (name && name !== '.' && name !== '..' && !/[/%]/.test(name)) return name;
  }
  return undefined;
}

function base(ok: boolean, verb: string): K8sRequestInfo {
  return { ok, verb, apiGroup: '', apiVersion: '', resource: '', isExecLike: false };
}

/** resource/name/subresource after the optional namespaces/<ns>/ prefix. */
function resourceParts(info: K8sRequestInfo, parts: string[]): void {
  let rest = parts;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    info.namespace = rest[1] as string;
    // namespaces/<ns>/status is the namespace's own subresource, anything else is a resource in it
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) rest = rest.slice(2);
  }
  // the old /proxy/ special verb takes no subresource
  if (rest.length >= 3 && info.verb !== 'proxy') info.subresource = rest[2] as string;
  if (rest.length >= 2) info.name = rest[1] as string;
  if (rest.length >= 1) info.resource = rest[0] as string;
}

/** A GET without a name is list or watch, a DELETE without one is deletecollection. */
function collectionVerb(info: K8sRequestInfo, query: Record<string, string[]>): void {
  if (!info.name && info.verb === 'get') {
    info.verb = boolParam(query.watch) ? 'watch' : 'list';
    const name = nameFromFieldSelector(query.fieldSelector?.[0]);
    if (name) info.name = name;
  }
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
}

function connectDetails(info: K8sRequestInfo, query: Record<string, string[]>): void {
  if (info.verb === 'proxy') {
    info.verb = 'connect';
    info.subresource = 'proxy';
  }
  if (!info.subresource || !EXEC_LIKE.has(info.subresource)) return;
  info.isExecLike = true;
  if (CONNECT_SUBRESOURCES.has(info.subresource)) info.verb = 'connect';
  if (info.subresource !== 'exec' && info.subresource !== 'attach') return;
  if (info.subresource === 'exec') info.execCommand = [...(query.command ?? [])];
  const container = query.container?.[0];
  if (container !== undefined) info.container = container;
  info.stdin = boolParam(query.stdin);
  info.tty = boolParam(query.tty);
}

/**
 * What a Kubernetes API request does, decided on the normalised path exactly as the
 * apiserver's request-info rules read it. Exec and attach are `connect` whether they arrive
 * as GET (websocket) or POST (SPDY).
 */
export function classifyK8sRequest(method: string, pathAndQuery: string): K8sRequestInfo {
  const req = normalizeHttpRequest(method, pathAndQuery);
  if (!req.ok) return { ...base(false, ''), error: req.error ?? 'invalid request' };
  const info: K8sRequestInfo = { ...base(true, ''), path: req.path };
  const nonResource = (): K8sRequestInfo => ({ ...info, verb: req.method.toLowerCase(), nonResource: true });
  let parts = req.path.split('/').filter(Boolean);
  const prefix = parts[0] as string;
  if (parts.length < 3 || !API_PREFIXES.has(prefix)) return nonResource();
  parts = parts.slice(1);
  if (!GROUPLESS_PREFIXES.has(prefix)) {
    if (parts.length < 3) return nonResource();
    info.apiGroup = parts.shift() as string;
  }
  info.apiVersion = parts.shift() as string;
  if (SPECIAL_VERBS.has(parts[0] as string)) {
    if (parts.length < 2) return { ...info, ok: false, error: 'unable to determine kind and namespace from url' };
    info.verb = parts.shift() as string;
  } else {
    const verb = METHOD_VERBS[req.method];
    if (!verb) return { ...info, ok: false, error: `unsupported method ${req.method}` };
    info.verb = verb;
  }
  resourceParts(info, parts);
  collectionVerb(info, req.query);
  connectDetails(info, req.query);
  return info;
}
