import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDirectory, parsePolicyText, PolicyError } from './policy-set';

function problems(text: string): string[] {
  try {
    parsePolicyText(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected the policy to be refused');
}

describe('policy documents', () => {
  it('loads rules and gives equal documents equal versions', () => {
    const text = 'policies:\n  - { id: a, effect: allow, actions: [connect] }\n';
    const a = parsePolicyText(text, 'one.yaml');
    expect(a.rules.map((r) => r.id)).toEqual(['a']);
    expect(parsePolicyText(text, 'two.yaml').version).toBe(a.version);
    expect(parsePolicyText(text.replace('allow', 'deny'), 'x').version).not.toBe(a.version);
  });

  it('points at the file, line and key of a mistake', () => {
    const text = [
      'policies:',
      '  - id: ok',
      '    effect: allow',
      '    actions: [connect]',
      '  - id: bad',
      '    effect: permit',
      '    actions: [connect]',
    ].join('\n');
    expect(problems(text)).toEqual([expect.stringMatching(/^p\.yaml:6:13: policies\[1\]\.effect: Invalid enum value/)]);
  });

  it('refuses unknown keys, so a misspelt condition never widens a rule', () => {
    const text = 'policies:\n  - id: a\n    effect: allow\n    actions: [sql]\n    sql: { categorys: [read] }\n';
    expect(problems(text)).toEqual([expect.stringMatching(/^p\.yaml:5:10: policies\[0\]\.sql: unknown key categorys/)]);
  });

  it('refuses duplicate rule ids, naming both places', () => {
    const text =
      'policies:\n  - { id: a, effect: allow, actions: [connect] }\n  - { id: a, effect: deny, actions: [connect] }\n';
    expect(problems(text)).toEqual([
      expect.stringMatching(/p\.yaml:3:5: policies\[1\]\.id: duplicate rule id a \(first at p\.yaml:2:5\)/),
    ]);
  });

  it('refuses a rule whose conditions do not cover every action kind it lists', () => {
    const text =
      'policies:\n  - id: a\n    effect: allow\n    actions: [sql, exec]\n    shell: { onlyPrograms: [ls] }\n';
    expect(problems(text)).toEqual([
      expect.stringContaining('policies[0].actions: sql actions have no condition in this rule'),
    ]);
  });

  it('refuses approval rules without terms and terms on other rules', () => {
    expect(problems('policies:\n  - { id: a, effect: approval, actions: [connect] }\n')[0]).toContain(
      'an approval rule needs approval terms',
    );
    expect(
      problems('policies:\n  - { id: a, effect: allow, actions: [connect], approval: { approverGroups: [x] } }\n')[0],
    ).toContain('only approval rules take approval terms');
  });

  it('reads a directory of policy files in name order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policies-'));
    writeFileSync(join(dir, '10-base.yaml'), '- { id: base, effect: allow, actions: [connect] }\n');
    writeFileSync(join(dir, '20-deny.yml'), 'policies:\n  - { id: deny-x, effect: deny, actions: [connect] }\n');
    writeFileSync(join(dir, 'README.md'), 'ignored');
    const set = loadPolicyDirectory(dir);
    expect(set.rules.map((r) => r.id)).toEqual(['base', 'deny-x']);
    writeFileSync(join(dir, '30-bad.yaml'), '- { id: base, effect: allow, actions: [connect] }\n');
    expect(() => loadPolicyDirectory(dir)).toThrow(/30-bad\.yaml:1:3: \[0\]\.id: duplicate rule id base/);
  });
});
