import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'dist/tools/cli/src/main.js'), ...args], { cwd: root, encoding: 'utf8' });

describe('portcullis policy test', () => {
  it('passes the documented example tests against the documented example policy', () => {
    const r = cli('policy', 'test', 'docs/examples/policy-tests.yaml', '--policies', 'docs/examples/policy.yaml');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: 7 passed, 0 failed\n$/);
    expect(r.status).toBe(0);
  });

  it('exits 1 and names the case when a decision differs from the expectation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cases-'));
    const cases = join(dir, 'cases.yaml');
    writeFileSync(
      cases,
      [
        'principals: { bot: { groups: [db-readers] } }',
        'connections: { orders: { type: postgres, tags: [prod] } }',
        'cases:',
        '  - { name: wrongly hopes to drop, principal: bot, connection: orders, sql: drop table x, expect: { effect: allow } }',
      ].join('\n'),
    );
    const r = cli('policy', 'test', cases, '--policies', 'docs/examples/policy.yaml');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL  wrongly hopes to drop: expected allow, got deny [no-schema-changes]');
  });

  it('exits 2 with a clear message for a broken test file or policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cases-'));
    writeFileSync(join(dir, 'bad.yaml'), 'principals: {}\nconnections: {}\ncases: []\n');
    const r = cli('policy', 'test', join(dir, 'bad.yaml'), '--policies', 'docs/examples/policy.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml: cases: Array must contain at least 1/);
    writeFileSync(join(dir, 'policy.yaml'), '- { id: a, effect: maybe, actions: [sql] }\n');
    const p = cli('policy', 'test', 'docs/examples/policy-tests.yaml', '--policies', join(dir, 'policy.yaml'));
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/policy\.yaml:1:20: \[0\]\.effect: Invalid enum value/);
  });

  it('prints usage for unknown commands', () => {
    const r = cli('policy', 'frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: portcullis policy test');
  });
});
