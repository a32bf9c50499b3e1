import type { Principal } from '@portcullis/contracts';
import { VerifiedTokens } from './verified-tokens';

const principal = (expiresInS: number): Principal =>
  ({
    id: 'agent-1',
    kind: 'agent',
    tenant: 't',
    groups: [],
    roles: [],
    appId: 'a',
    displayName: 'bot',
    expiresAt: Math.floor(Date.now() / 1000) + expiresInS,
  }) as unknown as Principal;

describe('VerifiedTokens', () => {
  it('remembers a verified token per channel, and forgets everything on clear', () => {
    const v = new VerifiedTokens();
    v.set('tok', 'http', principal(600), v.generation);
    expect(v.get('tok', 'http')?.id).toBe('agent-1');
    expect(v.get('tok', 'mcp')).toBeUndefined();
    expect(v.get('other', 'http')).toBeUndefined();
    v.clear();
    expect(v.get('tok', 'http')).toBeUndefined();
  });

  it('does not cache an answer asked for before a suspension cleared the cache', () => {
    const v = new VerifiedTokens();
    const askedAt = v.generation;
    v.clear();
    v.set('tok', 'http', principal(600), askedAt);
    expect(v.get('tok', 'http')).toBeUndefined();
  });

  it('never keeps a token past its expiry', () => {
    const v = new VerifiedTokens();
    v.set('tok', 'http', principal(-1), v.generation);
    expect(v.get('tok', 'http')).toBeUndefined();
  });
});
