import { ShellSyntaxError } from './shell-errors';

const SIMPLE: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  E: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  '?': 0x3f,
};

const utf8 = new TextDecoder('utf-8');

function take(s: string, at: number, re: RegExp): string {
  re.lastIndex = at;
  const m = re.exec(s);
  return m ? m[0] : '';
}

/** One escape after a backslash at `i`; appends its bytes and returns the index after it. */
function escape(s: string, i: number, bytes: number[], fail: () => never): number {
  const e = s[i++];
  if (e === undefined) return fail();
  if (SIMPLE[e] !== undefined) {
    bytes.push(SIMPLE[e] as number);
    return i;
  }
  if (/[0-7]/.test(e)) {
    const more = take(s, i, /[0-7]{0,2}/y);
    bytes.push(parseInt(e + more, 8) & 0xff);
    return i + more.length;
  }
  if (e === 'x' || e === 'u' || e === 'U') {
    const hex = take(s, i, e === 'x' ? /[0-9a-fA-F]{1,2}/y : e === 'u' ? /[0-9a-fA-F]{1,4}/y : /[0-9a-fA-F]{1,8}/y);
    const code = hex ? parseInt(hex, 16) : -1;
    if (code < 0) bytes.push(0x5c, e.charCodeAt(0));
    else if (e === 'x') bytes.push(code);
    else if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      throw new ShellSyntaxError('invalid unicode escape');
    else bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
    return i + hex.length;
  }
  if (e === 'c') {
    const ch = s[i++];
    if (ch === undefined) return fail();
    bytes.push((ch.toUpperCase().charCodeAt(0) ^ 0x40) & 0xff);
    return i;
  }
  bytes.push(0x5c, ...Buffer.from(e, 'utf8'));
  return i;
}

/**
 * Decodes bash ANSI-C quoting `$'…'`; `start` is the index of the opening quote. `\x` and
 * octal escapes are bytes (so `$'\xc3\xa9'` is é), `\u`/`\U` are code points, and the
 * string ends at the first NUL byte as it does in bash: `$'rm\x00junk'` is `rm`.
 */
export function decodeAnsiC(s: string, start: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  const fail = (): never => {
    throw new ShellSyntaxError(`unterminated $' at offset ${start}`);
  };
  for (;;) {
    if (i >= s.length) fail();
    const cp = s.codePointAt(i) as number;
    const c = String.fromCodePoint(cp);
    i += c.length;
    if (c === "'") break;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    i = escape(s, i, bytes, fail);
  }
  const nul = bytes.indexOf(0);
  return { value: utf8.decode(Uint8Array.from(nul < 0 ? bytes : bytes.slice(0, nul))), end: i };
}
