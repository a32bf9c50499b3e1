import { hasFlag, matchesCommandPattern, normalizePathArg } from './flags';
import { classifyShell } from './shell-classify';
import type { ShellCommand } from './types';

const cmd = (...argv: string[]): ShellCommand => ({
  argv,
  program: (argv[0] as string).split('/').pop() as string,
  via: [],
  dynamicParts: false,
});

describe('hasFlag', () => {
  it.each([
    [['rm', '-rf', '/'], true],
    [['rm', '-fr', '/'], true],
    [['rm', '-r', '-f', '/'], true],
    [['rm', '-R', '-f', '/'], true],
    [['rm', '-Rfv', '/'], true],
    [['rm', '--recursive', '--force', '/'], true],
    [['rm', '--rec', '--for', '/'], true],
    [['rm', '/', '-rf'], true],
    [['rm', '-r', '/'], false],
    [['rm', '-f', '/'], false],
    [['rm', '--', '-rf'], false],
    [['rm', '--force=yes', '-r', 'x'], true],
  ])('rm recursive+force in %j → %s', (argv, expected) => {
    expect(hasFlag(cmd(...argv), 'r', 'f')).toBe(expected);
  });

  it('accepts long names as the asked flag', () => {
    expect(hasFlag(cmd('rm', '-rf', '/'), 'recursive', 'force')).toBe(true);
    expect(hasFlag(cmd('git', 'push', '-f'), 'force')).toBe(true);
    expect(hasFlag(cmd('git', 'push', '--force-with-lease'), 'force')).toBe(false);
  });

  it('does not borrow rm synonyms for other programs', () => {
    expect(hasFlag(cmd('sort', '-R', 'f'), 'r')).toBe(false);
    expect(hasFlag(cmd('sort', '-r', 'f'), 'r')).toBe(true);
  });

  it('needs at least one flag and ignores negative numbers', () => {
    expect(hasFlag(cmd('rm', '-rf'))).toBe(false);
    expect(hasFlag(cmd('nice', '-10', 'x'), '1')).toBe(false);
  });
});

describe('matchesCommandPattern', () => {
  it('matches program, flags and normalised path arguments', async () => {
    const r = await classifyShell('sudo sh -c "/bin/rm --recursive -f //"');
    const rm = r.commands[0] as ShellCommand;
    expect(rm.program).toBe('rm');
    expect(matchesCommandPattern(rm, { program: 'rm', flags: ['r', 'f'], argsInclude: ['/'] })).toBe(true);
    expect(matchesCommandPattern(rm, { program: ['rm', 'shred'], flags: ['r'] })).toBe(true);
    expect(matchesCommandPattern(rm, { program: '/bin/rm' })).toBe(true);
    expect(matchesCommandPattern(rm, { program: 'rm', argsInclude: ['/tmp'] })).toBe(false);
    expect(matchesCommandPattern(rm, { program: 'ls' })).toBe(false);
    expect(matchesCommandPattern(rm, { program: '*', flags: ['v'] })).toBe(false);
  });

  it('normalises path arguments lexically', () => {
    expect(['/', '//', '/.', '/./', '/tmp/..', '/tmp/../..'].map(normalizePathArg)).toEqual([
      '/',
      '/',
      '/',
      '/',
      '/',
      '/',
    ]);
    expect(normalizePathArg('/etc//passwd/')).toBe('/etc/passwd');
    expect(normalizePathArg('relative/../x')).toBe('relative/../x');
  });
});
