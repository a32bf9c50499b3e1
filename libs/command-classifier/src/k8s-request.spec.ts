import { classifyK8sRequest } from './k8s-request';

describe('classifyK8sRequest', () => {
  it.each([
    [
      'GET',
      '/api/v1/namespaces/prod/pods',
      { verb: 'list', apiGroup: '', apiVersion: 'v1', resource: 'pods', namespace: 'prod' },
    ],
    ['GET', '/api/v1/namespaces/prod/pods/web-1', { verb: 'get', resource: 'pods', name: 'web-1', namespace: 'prod' }],
    ['GET', '/api/v1/pods?watch=1', { verb: 'watch', resource: 'pods', namespace: undefined }],
    ['GET', '/api/v1/pods?watch=true&resourceVersion=5', { verb: 'watch' }],
    ['GET', '/api/v1/pods?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/pods?watch=0', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/prod/pods', { verb: 'watch', namespace: 'prod', resource: 'pods' }],
    ['GET', '/api/v1/pods?fieldSelector=metadata.name%3Dweb-1', { verb: 'list', name: 'web-1' }],
    ['HEAD', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1', namespace: undefined }],
    [
      'POST',
      '/apis/apps/v1/namespaces/prod/deployments',
      { verb: 'create', apiGroup: 'apps', apiVersion: 'v1', resource: 'deployments' },
    ],
    ['PUT', '/apis/apps/v1/namespaces/prod/deployments/web', { verb: 'update', name: 'web' }],
    ['PATCH', '/apis/apps/v1/namespaces/prod/deployments/web/scale', { verb: 'patch', subresource: 'scale' }],
    ['DELETE', '/apis/apps/v1/namespaces/prod/deployments/web', { verb: 'delete', name: 'web' }],
    ['DELETE', '/apis/apps/v1/namespaces/prod/deployments', { verb: 'deletecollection', name: undefined }],
    [
      'GET',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
      { verb: 'get', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' },
    ],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: undefined }],
    ['GET', '/api/v1/namespaces/prod', { verb: 'get', resource: 'namespaces', name: 'prod', namespace: 'prod' }],
    [
      'PUT',
      '/api/v1/namespaces/prod/finalize',
      { verb: 'update', resource: 'namespaces', name: 'prod', subresource: 'finalize' },
    ],
    ['PUT', '/api/v1/namespaces/prod/status', { verb: 'update', resource: 'namespaces', subresource: 'status' }],
    [
      'PATCH',
      '/api/v1/namespaces/prod/pods/web/ephemeralcontainers',
      { verb: 'patch', subresource: 'ephemeralcontainers', isExecLike: true },
    ],
    [
      'POST',
      '/api/v1/namespaces/prod/pods/web/portforward?ports=5432',
      { verb: 'connect', subresource: 'portforward', isExecLike: true },
    ],
    ['GET', '/api/v1/namespaces/prod/pods/web/portforward', { verb: 'connect', isExecLike: true }],
    [
      'POST',
      '/api/v1/namespaces/prod/pods/web/attach?container=c&stdin=true&tty=true',
      { verb: 'connect', subresource: 'attach', container: 'c', stdin: true, tty: true, isExecLike: true },
    ],
    [
      'GET',
      '/api/v1/namespaces/prod/services/db:5432/proxy/admin',
      { verb: 'connect', resource: 'services', name: 'db:5432', subresource: 'proxy', isExecLike: true },
    ],
    [
      'GET',
      '/api/v1/nodes/n1/proxy/metrics',
      { verb: 'connect', resource: 'nodes', subresource: 'proxy', isExecLike: true },
    ],
    [
      'GET',
      '/api/v1/proxy/namespaces/prod/pods/web/x',
      { verb: 'connect', resource: 'pods', name: 'web', subresource: 'proxy', isExecLike: true },
    ],
    ['GET', '/api/v1/namespaces/prod/pods/web/log?follow=true', { verb: 'get', subresource: 'log', isExecLike: false }],
  ])('%s %s', (method, path, expected) => {
    const r = classifyK8sRequest(method, path);
    expect(r.ok).toBe(true);
    const defined = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
    expect(r).toMatchObject({ isExecLike: false, ...defined });
    for (const [k, v] of Object.entries(expected)) if (v === undefined) expect(r[k as keyof typeof r]).toBeUndefined();
  });

  it.each(['GET', 'POST'])('treats %s exec alike, with every command param in order', (method) => {
    const r = classifyK8sRequest(
      method,
      '/api/v1/namespaces/prod/pods/web/exec?command=sh&command=-c&command=rm%20-rf%20%2F&container=app&stdin=true&stdout=true&tty=0',
    );
    expect(r).toEqual({
      ok: true,
      verb: 'connect',
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'pods',
      subresource: 'exec',
      namespace: 'prod',
      name: 'web',
      isExecLike: true,
      execCommand: ['sh', '-c', 'rm -rf /'],
      container: 'app',
      stdin: true,
      tty: false,
      path: '/api/v1/namespaces/prod/pods/web/exec',
    });
  });

  it('normalises the path before deciding', () => {
    const plain = classifyK8sRequest('POST', '/api/v1/namespaces/prod/pods/x/exec?command=ls');
    for (const trick of [
      '/api/v1/namespaces/prod/pods/x/./exec?command=ls',
      '//api/v1//namespaces/prod/pods/x/exec?command=ls',
      '/api/v1/namespaces/prod/pods/y/../x/exec?command=ls',
      '/api/v1/namespaces/prod/pods/x/exec/?command=ls',
      '/api/%76%31/namespaces/prod/pods/x/%65xec?command=ls',
    ]) {
      const r = classifyK8sRequest('post', trick);
      expect({ ...r, path: undefined }).toEqual({ ...plain, path: undefined });
    }
  });

  it.each([
    '/api/v1/namespaces/prod%2Fpods/x/exec',
    '/api/v1/namespaces/prod/pods/x%2Fexec',
    '/api/v1/namespaces/prod/pods/x/%2E%2E/y/exec',
    '/api/v1/../../../exec',
    '/api/v1/namespaces/prod/pods/x/exec?command=a%00b',
    '/api/v1/namespaces/prod/pods/x/exec?command=ls;rm',
  ])('refuses %s', (path) => {
    const r = classifyK8sRequest('POST', path);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual(expect.any(String));
    expect(r.isExecLike).toBe(false);
  });

  it('reports non-resource paths with the lower-case method as verb', () => {
    expect(classifyK8sRequest('GET', '/healthz')).toMatchObject({ ok: true, nonResource: true, verb: 'get' });
    expect(classifyK8sRequest('GET', '/apis/apps/v1')).toMatchObject({ nonResource: true });
    expect(classifyK8sRequest('POST', '/api')).toMatchObject({ nonResource: true, verb: 'post' });
  });

  it('refuses unknown methods and malformed special verbs on resource paths', () => {
    expect(classifyK8sRequest('OPTIONS', '/api/v1/pods').ok).toBe(false);
    // the apiserver answers "unable to determine kind and namespace from url" for these
    expect(classifyK8sRequest('GET', '/api/v1/watch').ok).toBe(false);
    expect(classifyK8sRequest('GET', '/apis/apps/v1/proxy').ok).toBe(false);
  });
});
