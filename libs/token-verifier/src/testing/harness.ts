/** Test-only helpers (not exported from the package). */
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEV_API_APP_ID, DEV_API_APP_ID_URI, DEV_GROUP_NAMES, DEV_TENANT } from '@portcullis/dev-identities';
import { JwksCache } from '../jwks-cache';
import type { JwksCacheOptions } from '../jwks-cache';
import { TokenVerifier } from '../verifier';
import type { ProviderConfig } from '../types';
import { startTestIssuer } from './test-issuer';
import type { TestIssuer } from './test-issuer';

export interface Harness {
  idp: TestIssuer;
  jwks: JwksCache;
  verifier: TokenVerifier;
  provider: ProviderConfig;
  close(): Promise<void>;
}

/** An Entra-kind provider pointed at the test issuer, the way the identity service configures one. */
export function devProvider(idp: { url: string }, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: 'dev-entra',
    kind: 'entra',
    issuer: `${idp.url}/{tenantid}/v2.0`,
    tenants: [DEV_TENANT],
    audiences: [DEV_API_APP_ID, DEV_API_APP_ID_URI],
    jwksUri: `${idp.url}/{tenantid}/discovery/v2.0/keys`,
    ...overrides,
  };
}

export async function startHarness(
  opts: { provider?: Partial<ProviderConfig>; cache?: JwksCacheOptions } = {},
): Promise<Harness> {
  const idp = await startTestIssuer();
  const jwks = new JwksCache(opts.cache ?? {});
  const provider = devProvider(idp, opts.provider ?? {});
  const verifier = new TokenVerifier({ providers: [provider], jwks, groupNames: DEV_GROUP_NAMES });
  return { idp, jwks, verifier, provider, close: () => idp.close() };
}

export function b64url(value: object | string | Buffer): string {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  return bytes.toString('base64url');
}

/** Assembles a compact JWS from raw parts (no signing). */
export function assemble(header: object, payload: object, signature = ''): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A tiny HTTP server for stand-ins (attacker key hosts, Graph). Records every request. */
export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStub(handler: (req: StubRequest) => { status: number; body: unknown }): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(entry);
      const reply = handler(entry);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
