import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyClientsFile, defaultDevIdpConfig, loadClientsFile } from './config';
import { CODE_REVIEW_BOT_APP_ID, DEPLOY_BOT_APP_ID, DEV_CLI_APP_ID, DEV_TENANT } from './fixtures';

describe('dev-idp configuration', () => {
  const base = defaultDevIdpConfig(DEV_TENANT);

  it('has the documented default identities', () => {
    expect(base.clients.map((c) => [c.name, c.clientId])).toEqual([
      ['code-review-bot', CODE_REVIEW_BOT_APP_ID],
      ['deploy-bot', DEPLOY_BOT_APP_ID],
      ['portcullis-cli', DEV_CLI_APP_ID],
    ]);
    expect(base.users.map((u) => u.username)).toEqual(['alice', 'bob', 'carol']);
    expect(base.clients.filter((c) => c.demo).map((c) => c.name)).toEqual(['code-review-bot']);
  });

  it('replaces lists from a clients file and validates it, naming the bad key', () => {
    const custom = applyClientsFile(base, {
      clients: [
        {
          name: 'ci-bot',
          clientId: '6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b09',
          clientSecret: 's',
          objectId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c10',
          roles: ['r'],
          groups: [],
        },
      ],
    });
    expect(custom.clients.map((c) => c.name)).toEqual(['ci-bot']);
    expect(custom.users).toBe(base.users);
    expect(() => applyClientsFile(base, { clients: [{ name: 'x', clientId: 'not-a-guid', objectId: 'y' }] })).toThrow(
      'clients[0].clientId',
    );
    expect(() => applyClientsFile(base, { users: [{ username: 'u' }] })).toThrow('users[0].password');
    expect(() => applyClientsFile(base, { clients: {} })).toThrow('clients must be a list');
    expect(() => applyClientsFile(base, [])).toThrow('(root)');
  });

  it('loads a JSON file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-idp-'));
    try {
      const file = join(dir, 'clients.json');
      writeFileSync(
        file,
        JSON.stringify({
          api: { appId: 'b7e2c9d4-1a3f-4e6b-8c5d-2f7a9e1b3c40', appIdUri: 'api://other', scopes: ['x'] },
        }),
      );
      expect((await loadClientsFile(base, file)).api.appIdUri).toBe('api://other');
      writeFileSync(file, '{');
      await expect(loadClientsFile(base, file)).rejects.toThrow('not valid JSON');
      await expect(loadClientsFile(base, join(dir, 'missing.json'))).rejects.toThrow('cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
