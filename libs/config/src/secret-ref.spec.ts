import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSecret, SecretResolutionError } from './secret-ref';

describe('secret references', () => {
  it('reads an environment variable', () => {
    expect(resolveSecret({ env: 'S' }, 'k', { S: 'v1' })).toBe('v1');
  });

  it('names the key and the variable when it is missing', () => {
    expect(() => resolveSecret({ env: 'NOPE' }, 'connections[0].credentials.password', {})).toThrow(
      new SecretResolutionError('connections[0].credentials.password', 'environment variable NOPE is not set'),
    );
  });

  it('reads a file without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    writeFileSync(join(dir, 's'), 'pa55\n');
    expect(resolveSecret({ file: join(dir, 's') }, 'k')).toBe('pa55');
  });

  it('names the path, never a value, when a file cannot be read or is empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-'));
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => resolveSecret({ file: join(dir, 'missing') }, 'k')).toThrow(
      /k: secret file .*missing cannot be read \(ENOENT\)/,
    );
    expect(() => resolveSecret({ file: join(dir, 'empty') }, 'k')).toThrow(/k: secret file .*empty is empty/);
  });
});
