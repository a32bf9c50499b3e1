import { escapeOk, notAfter, NUM_LEFT, NUM_RIGHT, numberStartOk } from './boundaries';
import type { Detector, Span } from './types';

/**
 * A practical address shape, not RFC 5322: ASCII local part, dotted domain, alphabetic TLD. The TLD
 * rule keeps `pkg@1.2.3` and `user@host` out; `j***@example.com` (our own partial mask) does not
 * match again because `*` cannot end a local part. The match starts where the run of local-part
 * characters starts, so `john_doe@` or `..john@` is masked whole, never leaving a prefix behind.
 */
const EMAIL_RE = new RegExp(
  `${notAfter('._%+\\-')}[\\w.%+\\-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\\-])`,
  'g',
);

export const email: Detector = {
  name: 'email',
  gate: /@/,
  find(text: string, out: Span[]): void {
    EMAIL_RE.lastIndex = 0;
    for (let m = EMAIL_RE.exec(text); m !== null; m = EMAIL_RE.exec(text)) {
      if (escapeOk(text, m.index)) out.push({ start: m.index, end: m.index + m[0].length, detector: 'email' });
      else EMAIL_RE.lastIndex = m.index + 1;
    }
  },
};

/**
 * Phone numbers are the easiest detector to over-fire (ids, timestamps, amounts), so only shapes
 * that are phone-like by their punctuation are accepted, never a bare run of digits:
 * - international: `+` then 8–15 digits, with optional single separators or a parenthesised group;
 * - North American: `(415) 555-2671`, `415-555-2671`, `415.555.2671`, optional leading `1-`;
 * - national trunk-prefix: `020 7946 0958`, `01 23 45 67 89`, `030-12345678` (10–12 digits, one
 *   kind of separator throughout).
 */
const PHONE_RE = new RegExp(
  `${NUM_LEFT}(?:` +
    [
      String.raw`\+[1-9](?:[ .\-]?(?:\(\d{1,4}\)|\d)){7,16}`,
      String.raw`(?:1[ .\-])?\([2-9]\d{2}\) ?[2-9]\d{2}[ .\-]\d{4}`,
      String.raw`(?:1[.\-])?[2-9]\d{2}(?<s2>[.\-])[2-9]\d{2}\k<s2>\d{4}`,
      String.raw`0[1-9]\d{0,4}(?<s3>[ \-])\d{2,8}(?:\k<s3>\d{2,8}){0,3}`,
    ].join('|') +
    `)${NUM_RIGHT}`,
  'g',
);

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function phoneDigitsOk(match: string): boolean {
  const n = digitCount(match);
  if (match.charCodeAt(0) === 43 /* + */) return n >= 8 && n <= 15;
  if (match.charCodeAt(0) === 48 /* 0 */) return n >= 10 && n <= 12;
  return true; // North American shapes fix the count themselves
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * How much of a candidate is a phone number (0: none). The pattern is greedy, so a number right
 * after a phone (`+1 415 555 2671 0.5`, `020 7946 0958 2024`) is swallowed and the digit count
 * fails; then the longest prefix that ends where a number may end and is a phone by itself wins.
 */
function phoneEnd(match: string): number {
  if (phoneDigitsOk(match)) return match.length;
  for (let end = match.length - 1; end > 0; end--) {
    const next = match[end];
    if (!isDigit(match[end - 1]) || isDigit(next) || next === '-') continue;
    if (next === '.' && isDigit(match[end + 1])) continue;
    if (phoneDigitsOk(match.slice(0, end))) return end;
  }
  return 0;
}

export const phone: Detector = {
  name: 'phone',
  gate: /\+[1-9]|\(\d|\d[ .-]\d/,
  find(text: string, out: Span[]): void {
    PHONE_RE.lastIndex = 0;
    for (let m = PHONE_RE.exec(text); m !== null; m = PHONE_RE.exec(text)) {
      const end = numberStartOk(text, m.index) ? phoneEnd(m[0]) : 0;
      // What a prefix left over, or a rejected candidate swallowed, may start the next phone.
      PHONE_RE.lastIndex = m.index + (end || 1);
      if (end > 0) out.push({ start: m.index, end: m.index + end, detector: 'phone' });
    }
  },
};
