import { CODE_REVIEW_BOT_OID, GROUP_ADMINS, GROUP_DB_READERS } from '@portcullis/dev-identities';
import { devProvider, startHarness, startStub } from './testing/harness';
import type { Harness, StubServer } from './testing/harness';
import { TokenVerifier } from './verifier';
import type { VerifyResult } from './types';

const GRAPH_CLIENT_SECRET = 'graph-client-secret';
const GRAPH_TOKEN = 'graph-access-token';

let h: Harness;
let graph: StubServer;
let attackerSource: StubServer;
let graphFails = false;

/** Entra's overage shape: no groups claim, a pointer to where they could be fetched (tools/dev-idp emits it too). */
function overageClaims(
  endpoint = `https://graph.windows.net/tenant/users/${CODE_REVIEW_BOT_OID}/getMemberObjects`,
): Record<string, unknown> {
  const { groups: _groups, ...claims } = h.idp.appClaims();
  return { ...claims, _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint } } };
}

beforeAll(async () => {
  h = await startHarness();
  attackerSource = await startStub(() => ({ status: 200, body: { value: [GROUP_ADMINS] } }));
  graph = await startStub((req) => {
    if (graphFails) return { status: 503, body: {} };
    if (req.path === '/tenant/oauth2/v2.0/token')
      return { status: 200, body: { token_type: 'Bearer', access_token: GRAPH_TOKEN, expires_in: 3600 } };
    const m = /^\/v1\.0\/directoryObjects\/([^/]+)\/getMemberGroups$/.exec(req.path);
    if (m && req.method === 'POST' && req.headers.authorization === `Bearer ${GRAPH_TOKEN}`) {
      return { status: 200, body: { value: m[1] === CODE_REVIEW_BOT_OID ? [GROUP_DB_READERS, 'g-2'] : [] } };
    }
    return { status: 401, body: { error: 'unauthorized' } };
  });
});

afterAll(async () => {
  await h.close();
  await graph.close();
  await attackerSource.close();
});

function withGraph(): TokenVerifier {
  return new TokenVerifier({
    providers: [
      devProvider(h.idp, {
        graph: {
          baseUrl: `${graph.url}/v1.0`,
          tokenUrl: `${graph.url}/tenant/oauth2/v2.0/token`,
          clientId: 'portcullis-identity',
          clientSecret: GRAPH_CLIENT_SECRET,
        },
      }),
    ],
    jwks: h.jwks,
    groupNames: { [GROUP_DB_READERS]: 'db-readers' },
  });
}

function expectReject(result: VerifyResult, reason: string): void {
  expect(result).toMatchObject({ ok: false, reason });
}

describe('groups overage', () => {
  it('is refused, never read as "no groups", when Graph is not configured', async () => {
    const result = await h.verifier.verify(await h.idp.sign(overageClaims()));
    expectReject(result, 'groups_overage');
    expect(result).toMatchObject({ subject: CODE_REVIEW_BOT_OID });
    const hasgroups = await h.idp.sign({ ...h.idp.appClaims(), groups: undefined, hasgroups: true });
    expectReject(await h.verifier.verify(hasgroups), 'groups_overage');
  });

  it('is resolved through the configured Graph with the service credentials, never the URL in the token', async () => {
    // The token points its claim source at another server: it must not be contacted.
    const claims = overageClaims(`${attackerSource.url}/users/${CODE_REVIEW_BOT_OID}/getMemberObjects`);
    const verifier = withGraph();
    const result = await verifier.verify(await h.idp.sign(claims));
    expect(result).toMatchObject({
      ok: true,
      principal: { id: CODE_REVIEW_BOT_OID, groups: [GROUP_DB_READERS, 'g-2'], groupNames: ['db-readers'] },
    });
    expect(attackerSource.requests).toHaveLength(0);

    const tokenRequest = graph.requests.find((r) => r.path === '/tenant/oauth2/v2.0/token');
    const form = new URLSearchParams(tokenRequest?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_id')).toBe('portcullis-identity');
    expect(form.get('client_secret')).toBe(GRAPH_CLIENT_SECRET);
    expect(form.get('scope')).toBe(`${graph.url}/.default`);
    const lookup = graph.requests.find((r) => r.path.includes('getMemberGroups'));
    expect(JSON.parse(lookup?.body ?? '{}')).toEqual({ securityEnabledOnly: false });

    // Cached: a second verification makes no further Graph calls.
    const calls = graph.requests.length;
    expect((await verifier.verify(await h.idp.sign(overageClaims()))).ok).toBe(true);
    expect(graph.requests.length).toBe(calls);
  });

  it('fails closed when Graph cannot answer', async () => {
    graphFails = true;
    try {
      const verifier = withGraph();
      const result = await verifier.verify(await h.idp.sign(overageClaims()));
      expectReject(result, 'groups_overage');
      expect(result).toMatchObject({ subject: CODE_REVIEW_BOT_OID });
    } finally {
      graphFails = false;
    }
  });

  it('refuses a Graph base URL that is not https', () => {
    expect(
      () =>
        new TokenVerifier({
          providers: [
            devProvider(h.idp, {
              graph: {
                baseUrl: 'http://graph.example/v1.0',
                tokenUrl: `${graph.url}/t`,
                clientId: 'a',
                clientSecret: 'b',
              },
            }),
          ],
          jwks: h.jwks,
        }),
    ).toThrow(/graph/);
  });
});
