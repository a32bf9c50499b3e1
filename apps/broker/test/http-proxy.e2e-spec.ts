// The HTTP front end against a real local HTTP service: the agent's token in, the connection's own
// credential out, decisions on the normalised path, JSON masking, streams passed through, approval holds,
// host-based routing, the same exchange through MCP's http_request, and malformed input.
import { request, createServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CODE_REVIEW_BOT_OID } from '@portcullis/dev-identities';
import { approverOf, freePort, startStack, type Stack } from '@portcullis/testing';

describe('broker: HTTP front end', () => {
  let stack: Stack;
  let api: Server;
  const seen: Array<{ method: string; url: string; authorization?: string; body?: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    api = createServer((req, res) => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: '',
      };
      seen.push(entry);
      req.on('data', (d: Buffer) => (entry.body += d.toString()));
      if (req.url?.startsWith('/api/refunds')) {
        req.on('end', () => {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ refunded: true }));
        });
      } else if (req.url?.startsWith('/api/orders/1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ id: 1, customer: { email: 'ada@example.com', card: '4111 1111 1111 1111' }, total: 42 }),
        );
      } else if (req.url === '/api/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        setTimeout(() => res.end('data: two\n\n'), 50);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
      }
    });
    await new Promise<void>((r) => api.listen(port, '127.0.0.1', () => r()));
    stack = await startStack({
      label: 'httpproxy',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      env: { TEST_API_TOKEN: 'upstream-service-token' },
      config: {
        connections: [
          {
            name: 'billing',
            type: 'http',
            target: { url: `http://127.0.0.1:${port}`, routeHosts: ['billing.api.test'], maxRequestBytes: 4096 },
            credentials: { bearer: { env: 'TEST_API_TOKEN' } },
          },
        ],
        policies: [
          { id: 'connect', effect: 'allow', principals: { kinds: ['agent'] }, actions: ['connect'] },
          {
            id: 'read-api',
            effect: 'allow',
            principals: { kinds: ['agent'] },
            actions: ['http'],
            http: { methods: ['GET'], paths: ['/api/**'] },
            masking: [
              { detector: 'email', strategy: 'redact' },
              { detector: 'payment_card', strategy: 'redact' },
            ],
          },
          {
            id: 'refunds-need-finance',
            effect: 'approval',
            principals: { kinds: ['agent'] },
            actions: ['http'],
            http: { methods: ['POST'], paths: ['/api/refunds/**'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'hold', timeoutSeconds: 30 },
          },
          {
            id: 'no-admin',
            effect: 'deny',
            reason: 'admin endpoints are off limits',
            actions: ['http'],
            http: { paths: ['/api/admin/**'] },
          },
        ],
      },
    });
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((r) => api?.close(r));
  });

  const get = async (path: string, token?: string, method = 'GET') =>
    fetch(`http://127.0.0.1:${stack.services.broker.httpPort}/http/billing${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('forwards an allowed GET with the connection credential, never the agent token, and masks JSON', async () => {
    const token = await stack.tokens.agent();
    const res = await get('/api/orders/1', token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { customer: { email: string; card: string }; total: number };
    expect(body.total).toBe(42);
    expect(body.customer.email).not.toContain('ada@example.com');
    expect(body.customer.card).not.toContain('4111');
    const last = seen[seen.length - 1];
    expect(last.authorization).toBe('Bearer upstream-service-token');
    expect(JSON.stringify(seen)).not.toContain(token.split('.')[2]);
  });

  it('decides on the normalised path and forwards that path', async () => {
    const token = await stack.tokens.agent();
    const before = seen.length;
    const admin = await get('/api/x/../admin/users', token);
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({ code: 'denied', ruleIds: ['no-admin'] });
    const encoded = await get('/api/%61dmin/users', token);
    expect(encoded.status).toBe(403);
    const ok = await get('/api//orders/./1', token);
    expect(ok.status).toBe(200);
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/api/orders/1']);
  });

  it('refuses methods and paths no rule allows, and requests without a valid token', async () => {
    const token = await stack.tokens.agent();
    expect((await get('/api/orders/1', token, 'DELETE')).status).toBe(403);
    expect((await get('/api/orders/1')).status).toBe(401);
    expect((await get('/api/orders/1', 'nope')).status).toBe(401);
    expect((await get('/api/admin%2Fusers', token)).status).toBe(400);
  });

  it('passes streaming responses through', async () => {
    const res = await get('/api/events', await stack.tokens.agent());
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('data: one\n\ndata: two\n\n');
  });

  /** A request with headers fetch will not send (Host), through node's own client. */
  const raw = (path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: stack.services.broker.httpPort, path, method, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('routes by Host to the connection named for it, under the same decision and masking', async () => {
    const token = await stack.tokens.agent();
    const before = seen.length;
    const res = await raw('/api/orders/1', { host: 'BILLING.api.test:7100', authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('ada@example.com');
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/api/orders/1']);
    expect((await raw('/api/admin/users', { host: 'billing.api.test', authorization: `Bearer ${token}` })).status).toBe(
      403,
    );
    expect((await raw('/api/orders/1', { host: 'billing.api.test' })).status).toBe(401);
    // Any other Host reaches the broker's own routes, not a connection.
    expect((await raw('/healthz', { host: 'elsewhere.test' })).status).toBe(200);
  });

  it('holds a request that needs approval until an approver decides, then forwards exactly that request', async () => {
    const token = await stack.tokens.agent();
    const approver = approverOf(stack);
    const held = fetch(`http://127.0.0.1:${stack.services.broker.httpPort}/http/billing/api/refunds/7`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"amount":5}',
    });
    const approval = await approver.pending('POST /api/refunds/7');
    expect(seen.some((s) => s.url === '/api/refunds/7')).toBe(false);
    const decided = await approver.decide(approval.id, 'approve');
    expect(decided.status).toBe(200);
    const res = await held;
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ refunded: true });
    expect(seen.filter((s) => s.url === '/api/refunds/7').map((s) => s.body)).toEqual(['{"amount":5}']);
  });

  it('offers http_request over MCP on the same exchange: masked, decided on the path, credentials held', async () => {
    const token = await stack.tokens.agent();
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${stack.services.broker.httpPort}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('http_request');
      const call = async (args: Record<string, unknown>) => {
        const r = (await client.callTool({ name: 'http_request', arguments: args })) as {
          content: Array<{ text: string }>;
          isError?: boolean;
        };
        return { isError: r.isError === true, body: JSON.parse(r.content[0].text) as Record<string, unknown> };
      };
      const before = seen.length;
      const ok = await call({ connection: 'billing', path: '/api/orders/1', headers: { Authorization: 'Bearer x' } });
      expect(ok.isError).toBe(false);
      expect(ok.body).toMatchObject({ status: 'ok', httpStatus: 200 });
      expect(ok.body.body).not.toContain('4111');
      expect(ok.body.masked).toBeGreaterThan(0);
      expect(seen[before].authorization).toBe('Bearer upstream-service-token');
      const denied = await call({ connection: 'billing', path: '/api/./admin/users' });
      expect(denied).toMatchObject({ isError: true, body: { status: 'refused', ruleIds: ['no-admin'] } });
      const unknown = await call({ connection: 'nope', path: '/' });
      expect(unknown).toMatchObject({ isError: true, body: { status: 'error' } });
      expect(seen.length).toBe(before + 1);
    } finally {
      await client.close();
    }
  });

  it('survives malformed requests and oversized headers and bodies, and keeps serving others', async () => {
    const token = await stack.tokens.agent();
    const garbage = await new Promise<string>((resolve) => {
      const s = tcpConnect(stack.services.broker.httpPort, '127.0.0.1', () => s.write('\x00\xffNOT HTTP\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    const huge = await raw('/http/billing/api/orders/1', {
      authorization: `Bearer ${token}`,
      'x-big': 'a'.repeat(20000),
    });
    expect(huge.status).toBe(431);
    const tooBig = await raw(
      '/http/billing/api/refunds/8',
      { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      'POST',
      'x'.repeat(5000),
    );
    expect(tooBig.status).toBe(413);
    expect(seen.some((s) => s.url === '/api/refunds/8')).toBe(false);
    expect((await get('/api/orders/1', token)).status).toBe(200);
  });

  it('reuses a verified token between requests, yet refuses the next request after a suspension', async () => {
    const token = await stack.tokens.agent();
    expect((await get('/api/orders/1', token)).status).toBe(200);
    const carol = { authorization: `Bearer ${await stack.tokens.human('carol')}`, 'content-type': 'application/json' };
    const suspend = `http://127.0.0.1:${stack.services.identity.httpPort}/v1/principals/${CODE_REVIEW_BOT_OID}/suspend`;
    const res = await fetch(suspend, {
      method: 'POST',
      headers: carol,
      body: JSON.stringify({ reason: 'incident 7' }),
    });
    expect(res.status).toBe(200);
    try {
      let status = 200;
      for (let i = 0; i < 40 && status === 200; i++) {
        status = (await get('/api/orders/1', token)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
    } finally {
      await fetch(suspend, { method: 'DELETE', headers: carol, body: JSON.stringify({ reason: 'resolved' }) });
    }
  });
});
