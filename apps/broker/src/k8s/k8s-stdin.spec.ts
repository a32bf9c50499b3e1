import { stdinScreeningOf } from './k8s-stdin';

describe('stdinScreeningOf (which stdin of a Kubernetes exec is screened)', () => {
  it.each([
    [['sh'], true, true, 'terminal'],
    [['cat'], true, true, 'terminal'],
    [['sh'], true, false, 'script'],
    [['bash', '-s'], true, false, 'script'],
    [['env', 'sh', '-i'], true, false, 'script'],
    [['busybox', 'sh'], true, false, 'script'],
    [['sh'], false, false, undefined],
    [['sh', '-c', 'cat > f'], true, false, undefined],
    [['tar', 'xf', '-', '-C', '/tmp'], true, false, undefined],
    [['cat'], true, false, undefined],
    [['sh', 'script.sh'], true, false, undefined],
    [['python3'], true, false, undefined],
    [undefined, true, false, undefined],
  ])('%j stdin=%s tty=%s → %s', async (command, stdin, tty, expected) => {
    await expect(stdinScreeningOf(command, stdin, tty)).resolves.toBe(expected);
  });
});
