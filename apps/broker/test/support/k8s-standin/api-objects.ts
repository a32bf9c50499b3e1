// The few API objects the stand-in serves: discovery documents, pods, config maps and events, kept in
// memory per stand-in. Shapes follow the real API closely enough for kubectl's decoders and printers.

const created = new Date().toISOString();
let resourceVersion = 1000;

export type K8sObject = Record<string, unknown> & {
  metadata: { name: string; namespace?: string } & Record<string, unknown>;
};

export function nextVersion(): string {
  resourceVersion += 1;
  return String(resourceVersion);
}

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-portcullis-standin',
  gitCommit: '0000000',
  gitTreeState: 'clean',
  buildDate: created,
  goVersion: 'go1.23',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const apiVersions = { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
export const apiGroups = { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };

const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
export const coreResources = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs, shortNames: ['po'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    {
      name: 'pods/portforward',
      singularName: '',
      namespaced: true,
      kind: 'PodPortForwardOptions',
      verbs: ['create', 'get'],
    },
    { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs, shortNames: ['cm'] },
    { name: 'events', singularName: 'event', namespaced: true, kind: 'Event', verbs, shortNames: ['ev'] },
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs, shortNames: ['ns'] },
  ],
};

export function pod(name: string, namespace: string): K8sObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: nextVersion(),
      creationTimestamp: created,
    },
    spec: { containers: [{ name: 'app', image: 'portcullis/standin:1' }], nodeName: 'standin-node' },
    status: {
      phase: 'Running',
      podIP: '10.0.0.10',
      startTime: created,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: created }],
      containerStatuses: [
        {
          name: 'app',
          image: 'portcullis/standin:1',
          imageID: 'standin',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: created } },
        },
      ],
    },
  };
}

export function list(kind: string, items: K8sObject[]): Record<string, unknown> {
  return { kind: `${kind}List`, apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) }, items };
}

export function status(code: number, reason: string, message: string): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 300 ? 'Success' : 'Failure',
    message,
    reason,
    code,
  };
}

/** A JSON merge patch (RFC 7386), which also serves kubectl's strategic merge patch of a config map. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Just enough OpenAPI v3 for `kubectl apply`: it sees that the server validates fields itself (the
 * `fieldValidation` parameter) and skips client-side schema validation, which would need the full schema.
 */
export const openapiV3Root = { paths: { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=standin' } } };
const configMapOp = (action: string) => ({
  operationId: `${action}CoreV1NamespacedConfigMap`,
  parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
  responses: { '200': { description: 'OK' } },
  'x-kubernetes-action': action,
  'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' },
});
export const openapiV3CoreV1 = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: 'v1.32.0' },
  paths: {
    '/api/v1/namespaces/{namespace}/configmaps': { post: configMapOp('post') },
    '/api/v1/namespaces/{namespace}/configmaps/{name}': { patch: configMapOp('patch'), put: configMapOp('put') },
  },
  components: { schemas: {} },
};
