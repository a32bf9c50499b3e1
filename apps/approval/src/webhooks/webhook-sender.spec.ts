import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { attemptDelivery } from './webhook-sender';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe('one webhook delivery attempt', () => {
  let server: Server;
  let status = 200;
  const seen: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let url = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.statusCode = status;
        if (status === 302) res.setHeader('location', `${url}/elsewhere`);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    status = 200;
    seen.length = 0;
  });

  const target = { name: 'ops', events: [], format: 'standard' as const };

  it('signs per Standard Webhooks so the standardwebhooks package verifies it', async () => {
    const body = JSON.stringify({ type: 'approval.requested', data: { approvalId: 'a' } });
    expect(await attemptDelivery({ ...target, url, secret: SECRET }, 'delivery-1', body)).toEqual({
      ok: true,
      statusCode: 200,
    });
    const [got] = seen;
    expect(got.headers['webhook-id']).toBe('delivery-1');
    expect(got.headers['content-type']).toBe('application/json');
    expect(new Webhook(SECRET).verify(got.body, got.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });

  it('sends no signature headers to a target without a secret', async () => {
    await attemptDelivery({ ...target, url, format: 'slack' }, 'delivery-2', '{}');
    expect(seen[0].headers['webhook-signature']).toBeUndefined();
  });

  it('counts any non-2xx answer, a redirect included, as a failure', async () => {
    status = 500;
    expect(await attemptDelivery({ ...target, url, secret: SECRET }, 'd', '{}')).toMatchObject({
      ok: false,
      statusCode: 500,
    });
    status = 302;
    expect(await attemptDelivery({ ...target, url, secret: SECRET }, 'd', '{}')).toMatchObject({
      ok: false,
      statusCode: 302,
    });
    expect(seen).toHaveLength(2);
  });

  it('reports an unreachable receiver without repeating its URL', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const secretUrl = `http://127.0.0.1:${port}/services/T000/B000/very-secret-token`;
    const result = await attemptDelivery({ ...target, url: secretUrl, secret: SECRET }, 'd', '{}');
    expect(result).toEqual({ ok: false, error: 'request failed: ECONNREFUSED' });
  });
});
