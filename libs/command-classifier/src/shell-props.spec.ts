import fc from 'fast-check';
import { classifyShell } from './shell-classify';

/** FC_RUNS_SCALE=20 for a longer local soak. */
const runs = (n: number): number => Math.round(n * Number(process.env.FC_RUNS_SCALE ?? 1));

// Characters that mean something to the shell, plus some non-ASCII.
const CHARS = [...'aZ09-_./=,:%@+', ...' \t\n', ...`'"$\`\\*?[]{}~#;|&<>()!^`, 'é', '中', '😀'];
const word = fc.array(fc.constantFrom(...CHARS), { maxLength: 10 }).map((cs) => cs.join(''));
// Programs that are not wrappers, shells or interpreters, so argv is taken as it is.
const program = fc.constantFrom('rm', 'ls', 'cat', 'grep', 'kubectl', 'chmod', '/usr/bin/tee');
const argv = fc.tuple(program, fc.array(word, { maxLength: 5 })).map(([p, args]) => [p, ...args]);

/** Ways to write one chunk of text that the shell reads back as exactly that text. */
const quoters: ((s: string) => string)[] = [
  (s) => `'${s.replace(/'/g, `'\\''`)}'`,
  (s) => `"${s.replace(/[\\"$`]/g, '\\$&')}"`,
  (s) =>
    `$'${[...s].map((c) => (c === "'" || c === '\\' ? `\\${c}` : c < ' ' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}'`,
  // backslash before every character; a newline cannot be escaped that way (it would be a line continuation)
  (s) => [...s].map((c) => (c === '\n' ? `"\n"` : `\\${c}`)).join(''),
  // unquoted where nothing in it is special
  (s) => (/^[A-Za-z0-9_./,:%@+-]+$/.test(s) && !/^[%@+]/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`),
];

/** Quotes a word as a random concatenation of differently quoted chunks. */
const quoted = (w: string): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: quoters.length - 1 })), { minLength: 1, maxLength: 4 })
    .map((plan) => {
      if (!w) return quoters[plan[0]![1] % 2]!('');
      const out: string[] = [];
      let at = 0;
      plan.forEach(([len, q], k) => {
        const end = k === plan.length - 1 ? w.length : Math.min(w.length, at + len + 1);
        const chunk = [...w].slice(at, end).join('');
        if (chunk) out.push(quoters[q]!(chunk));
        at = end;
      });
      return out.join('');
    });

// `\<newline>` is deleted by the shell (line continuation), so it only separates words next to a real blank
const blank = fc
  .array(fc.constantFrom(' ', '\t', ' \\\n', '\\\n\t'), { minLength: 1, maxLength: 3 })
  .map((b) => b.join(''));
const edge = fc.array(fc.constantFrom(' ', '\t', '\\\n'), { maxLength: 2 }).map((b) => b.join(''));

/** A command line for argv: every word re-quoted, random blanks between, maybe a comment. */
const line = (av: string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.tuple(...av.map(quoted)),
      fc.array(blank, { minLength: av.length, maxLength: av.length }),
      edge,
      fc.boolean(),
    )
    .map(
      ([words, gaps, lead, comment]) =>
        // the program name stays unquoted-equivalent only in its letters; quoting it is fine too
        lead + words.map((w, k) => (k ? gaps[k]! : '') + w).join('') + (comment ? ' # trailing ; rm -rf /' : ''),
    );

describe('argv is independent of spelling', () => {
  it('any re-quoting and re-spacing of the words yields the same single argv', async () => {
    await fc.assert(
      fc.asyncProperty(
        argv.chain((av) => fc.tuple(fc.constant(av), line(av))),
        async ([av, src]) => {
          const r = await classifyShell(src);
          expect(r.error).toBeUndefined();
          expect(r.commands.map((c) => c.argv)).toEqual([av]);
          expect(r.commands[0]?.dynamicParts).toBe(false);
          expect(r.dynamic).toBe(false);
          expect(r.fingerprint).toBe((await classifyShell(av)).fingerprint);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it('lists and pipelines flatten to the same argv list, and fingerprint, however they are spelled', async () => {
    const sep = fc.constantFrom(';', '&&', '||', '|', '\n', '&');
    const render = (avs: string[][], ops: string[]): fc.Arbitrary<string> =>
      fc
        .tuple(
          fc.tuple(...avs.map(line)),
          fc.array(fc.tuple(edge, edge), { minLength: avs.length, maxLength: avs.length }),
        )
        .map(([lines, pads]) =>
          lines
            // a comment would swallow what follows on its line
            .map((l, k) => (k < lines.length - 1 ? l.replace(/ # trailing ; rm -rf \/$/, '') : l))
            .map((l, k) => (k ? `${pads[k]![0]}${ops[k]}${pads[k]![1]} ` : '') + l)
            .join(''),
        );
    const script = fc
      .array(argv, { minLength: 1, maxLength: 4 })
      .chain((avs) => fc.tuple(fc.constant(avs), fc.array(sep, { minLength: avs.length, maxLength: avs.length })))
      .chain(([avs, ops]) => fc.tuple(fc.constant(avs), render(avs, ops), render(avs, ops)));
    await fc.assert(
      fc.asyncProperty(script, async ([avs, a, b]) => {
        const ra = await classifyShell(a);
        const rb = await classifyShell(b);
        expect(ra.error).toBeUndefined();
        expect(ra.commands.map((c) => c.argv)).toEqual(avs);
        expect(rb.commands.map((c) => c.argv)).toEqual(avs);
        expect(rb.fingerprint).toBe(ra.fingerprint);
      }),
      { numRuns: runs(80) },
    );
  });

  it('wrapping in sh -c with either quoting gives the same inner argv', async () => {
    await fc.assert(
      fc.asyncProperty(
        argv.chain((av) => fc.tuple(fc.constant(av), line(av), fc.nat({ max: 1 }))),
        async ([av, src, q]) => {
          const inner = src.replace(/ # trailing ; rm -rf \/$/, '');
          const r = await classifyShell(`sh -c ${quoters[q]!(inner)}`);
          expect(r.error).toBeUndefined();
          expect(r.commands.map((c) => [c.argv, c.via])).toEqual([[av, ['sh -c']]]);
        },
      ),
      { numRuns: runs(60) },
    );
  });
});
