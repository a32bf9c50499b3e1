// The HTTP front end against a real local HTTP service: the agent's token in, the connection's own
// credential out, decisions on the normalised path, JSON masking, streams passed through.
import { createServer, type Server } from 'node:http';
import { freePort, startStack, type Stack } from '@portcullis/testing';

describe('broker: HTTP front end', () => {
  let stack: Stack;
  let api: Server;
  const seen: Array<{ method: string; url: string; authorization?: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    api = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
      if (req.url?.startsWith('/api/orders/1')) {
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
      services: ['identity', 'policy', 'audit', 'broker'],
      env: { TEST_API_TOKEN: 'upstream-service-token' },
      config: {
        connections: [
          {
            name: 'billing',
            type: 'http',
            target: { url: `http://127.0.0.1:${port}` },
            credentials: { bearer: { env: 'TEST_API_TOKEN' } },
          },
        ],
        policies: [
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
});
