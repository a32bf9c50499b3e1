import type { Command, Script, Word } from './shell-ast';
import { decodeAnsiC } from './shell-ansi-c';
import { expandWord } from './shell-expand';
import { ShellSyntaxError, parseShellScript } from './shell-parse';

const scope = () => ({ vars: new Map<string, string | null>(), ifsChanged: false });
const fields = (w: Word): string[] => expandWord(w, scope(), { scripts: [], reasons: [] }).map((f) => f.value);

function simple(script: Script, k = 0): Extract<Command, { t: 'simple' }> {
  const cmd = script.stmts[k]?.cmd;
  if (cmd?.t !== 'simple') throw new Error(`statement ${k} is ${cmd?.t}`);
  return cmd;
}

const argvOf = (src: string): string[] => simple(parseShellScript(src)).words.flatMap(fields);

describe('parseShellScript words', () => {
  it.each([
    [`echo 'a b' "c $d" e\\ f`, ['echo', 'a b', 'c ${d}', 'e f']],
    [`printf "%s\\n" "a\\"b" '\\n'`, ['printf', '%s\\n', 'a"b', '\\n']],
    [`echo "it's" 'say "hi"' $'a\\'b'`, ['echo', "it's", 'say "hi"', "a'b"]],
    [`echo a"b"'c'$'d'$"e"`, ['echo', 'abcde']],
    [`echo "" ''`, ['echo', '', '']],
    [`echo {x,y}z {1..3} {a..c..2} {05..7}`, ['echo', 'xz', 'yz', '1', '2', '3', 'a', 'c', '05', '06', '07']],
    [`echo '{x,y}' \\{x,y\\} {x} {} {x,`, ['echo', '{x,y}', '{x,y}', '{x}', '{}', '{x,']],
    [`echo ~ a=b --opt=x`, ['echo', '~', 'a=b', '--opt=x']],
    // found by differential runs against bash:
    [`echo {"x"a{b,c}d`, ['echo', '{xabd', '{xacd']],
    [`echo $IFS\\\n9 $\\\n"q" $\\\n{HOME}`, ['echo', '${IFS9}', 'q', '${HOME}']],
    [`echo $a{1,2}`, ['echo', '$a{1,2}']],
  ])('%s', (src, argv) => {
    expect(argvOf(src)).toEqual(argv);
  });

  it('keeps statement starts and background flags', () => {
    const s = parseShellScript('  a; b & c\n# note\nd && e | f');
    expect(s.stmts.map((st) => [st.start, st.background])).toEqual([
      [2, false],
      [5, true],
      [9, false],
      [18, false],
    ]);
    expect(s.stmts[3]?.cmd.t).toBe('andor');
  });

  it('reads here-documents after the line, with tab stripping and quoting', () => {
    const s = parseShellScript('cat <<-A <<"B"; echo x\n\tone $v\n\tA\ntwo $v\nB\necho y');
    const cat = simple(s);
    expect(cat.redirs.map((r) => r.heredoc && fields(r.heredoc))).toEqual([['one ${v}\n'], ['two $v\n']]);
    expect(s.stmts.map((st) => st.cmd.t)).toEqual(['simple', 'simple', 'simple']);
    expect(simple(s, 2).words.flatMap(fields)).toEqual(['echo', 'y']);
  });

  it('parses case items, including `)` in patterns inside $( )', () => {
    const s = parseShellScript('x=$(case a in (a|b) echo 1;; *) echo 2;& c) ;;& esac); echo "$x"');
    const assign = simple(s).assigns[0];
    const sub = assign?.value?.parts[0];
    expect(sub?.t).toBe('cmdsub');
    const body = sub?.t === 'cmdsub' ? sub.body.stmts[0]?.cmd : undefined;
    expect(body?.t === 'case' && body.items.map((i) => [i.patterns.map((p) => p.raw), i.term])).toEqual([
      [['a', 'b'], ';;'],
      [['*'], ';&'],
      [['c'], ';;&'],
    ]);
  });

  it('recognises reserved words only in command position', () => {
    expect(argvOf('echo if then fi done { }')).toEqual(['echo', 'if', 'then', 'fi', 'done', '{', '}']);
    expect(parseShellScript('if a; then b; fi').stmts[0]?.cmd.t).toBe('if');
    expect(parseShellScript('{ a; }').stmts[0]?.cmd.t).toBe('group');
  });

  it('parses function definitions in both forms', () => {
    const s = parseShellScript('f () { a; }\nfunction g { b; }\nfunction h() ( c )');
    expect(s.stmts.map((st) => (st.cmd.t === 'func' ? [st.cmd.name, st.cmd.body.t] : st.cmd.t))).toEqual([
      ['f', 'group'],
      ['g', 'group'],
      ['h', 'subshell'],
    ]);
  });

  it.each([
    ['echo "x', /double quote/],
    ["echo 'x", /single quote/],
    ['echo $(ls', /expected '\)'/],
    ['echo `ls', /backquote/],
    ['echo ${x', /unterminated/],
    ['if a; then b', /expected 'fi'/],
    ['a | ', /unexpected/],
    ['a && ', /unexpected/],
    ['( a', /expected '\)'/],
    ['{ }', /empty command list/],
    ['f() a', /compound command/],
    ['echo $((1+2)', /unterminated arithmetic|unbalanced/],
    ['case x in a) b', /expected 'esac'/],
    ['done', /unexpected 'done'/],
  ])('rejects %j', (src, msg) => {
    expect(() => parseShellScript(src)).toThrow(ShellSyntaxError);
    expect(() => parseShellScript(src)).toThrow(msg);
  });
});

describe('decodeAnsiC', () => {
  it.each([
    ["'\\x72m'", 'rm'],
    ["'\\162\\155'", 'rm'],
    ["'\\u0072\\U0000006d'", 'rm'],
    ["'\\xc3\\xa9'", 'é'],
    ["'a\\tb\\n'", 'a\tb\n'],
    ["'rm\\x00junk'", 'rm'],
    ["'\\cA'", '\x01'],
    ["'\\q'", '\\q'],
  ])('%s → %j', (src, value) => {
    expect(decodeAnsiC(src, 0)).toEqual({ value, end: src.length });
  });

  it('rejects an unterminated string', () => {
    expect(() => decodeAnsiC("'abc", 0)).toThrow(ShellSyntaxError);
  });
});
