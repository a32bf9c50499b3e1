import { L_CAT, MAPPED_TO_NOTHING, NON_ASCII_SPACE, PROHIBITED, RAND_AL_CAT, UNASSIGNED } from './saslprep-tables';

/**
 * SASLprep (RFC 4013) the way PostgreSQL applies it to SCRAM passwords (src/common/saslprep.c):
 * if preparation fails (prohibited or unassigned code point, bad bidi) the password is used as is,
 * not rejected. Two PostgreSQL details are reproduced on purpose so our keys match the server's:
 * pure ASCII is returned untouched, and the prohibition/bidi checks run on the mapped string
 * before normalization. Ours must equal the server's byte for byte or the login fails.
 */
export function saslprep(password: string): string {
  if (isAscii(password)) return password;
  const mapped: number[] = [];
  for (const ch of password) {
    const cp = ch.codePointAt(0)!;
    if (inTable(tables().nonAsciiSpace, cp)) mapped.push(0x20);
    else if (!inTable(tables().mappedToNothing, cp)) mapped.push(cp);
  }
  if (mapped.length === 0) return password;
  const t = tables();
  let hasRandAL = false;
  for (const cp of mapped) {
    // Lone surrogates land here too: they are in the prohibited table.
    if (inTable(t.prohibited, cp) || inTable(t.unassigned, cp)) return password;
    if (inTable(t.randAL, cp)) hasRandAL = true;
  }
  if (hasRandAL) {
    if (mapped.some((cp) => inTable(t.lCat, cp))) return password;
    if (!inTable(t.randAL, mapped[0]!) || !inTable(t.randAL, mapped[mapped.length - 1]!)) return password;
  }
  return String.fromCodePoint(...mapped).normalize('NFKC');
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

interface Tables {
  nonAsciiSpace: Uint32Array;
  mappedToNothing: Uint32Array;
  prohibited: Uint32Array;
  unassigned: Uint32Array;
  randAL: Uint32Array;
  lCat: Uint32Array;
}

let parsed: Tables | null = null;

/** Parsed on first non-ASCII password only; most credentials never need them. */
function tables(): Tables {
  parsed ??= {
    nonAsciiSpace: parseRanges(NON_ASCII_SPACE),
    mappedToNothing: parseRanges(MAPPED_TO_NOTHING),
    prohibited: parseRanges(PROHIBITED),
    unassigned: parseRanges(UNASSIGNED),
    randAL: parseRanges(RAND_AL_CAT),
    lCat: parseRanges(L_CAT),
  };
  return parsed;
}

/** "a-b,c" → [a, b, c, c] (sorted start/end pairs). */
function parseRanges(spec: string): Uint32Array {
  const parts = spec.split(',');
  const out = new Uint32Array(parts.length * 2);
  parts.forEach((p, i) => {
    const [a, b = a] = p.split('-') as [string, string?];
    out[2 * i] = parseInt(a, 16);
    out[2 * i + 1] = parseInt(b, 16);
  });
  return out;
}

function inTable(ranges: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cp < ranges[2 * mid]!) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}
