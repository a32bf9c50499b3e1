/**
 * Token edges. Findings must stand alone (a 16-digit run inside a hex hash or an order id with a
 * prefix is not a card), but text often carries JSON escapes: in row_to_json output or logged JSON,
 * `\n4111...` puts the letter n right before the number. The regexes therefore refuse a preceding
 * letter, digit or backslash except n, r and t (a lookbehind on one character class keeps V8's scan
 * fast), and escapeOk() then accepts those three only when they end a `\n`, `\r` or `\t` escape.
 * Never starting right after a backslash also means a mask never splits an escape in JSON text.
 */

/** Lookbehind: not after a letter other than n/r/t, a digit, a backslash or a character of extra. */
export function notAfter(extra: string): string {
  return `(?<![A-Za-mo-qsu-z0-9${extra}\\\\])`;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** A match at start may follow n, r or t only when that letter is the end of an escape. */
export function escapeOk(text: string, start: number): boolean {
  const c = text.charCodeAt(start - 1);
  if (c === 110 || c === 114 || c === 116) return text.charCodeAt(start - 2) === 92;
  return true;
}

/**
 * Numbers also must not be the fraction of a decimal (0.4111111111111111 is a float). A number right
 * after `*` is still a number (markdown bullets and emphasis): the digits a partial mask keeps cannot
 * start a finding by themselves, and TextMasker rescans its output for the rare case where they
 * could together with the text that follows.
 */
export function numberStartOk(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) === 46 && isDigitCode(text.charCodeAt(start - 2))) return false;
  return escapeOk(text, start);
}

/**
 * The same edge decided inside the regex, for patterns with unbounded runs (JWT parts): letting n, r
 * and t through to a later check would make every `ney` inside a long base64 blob a start that scans
 * to the end of the blob. Slower on short text than notAfter(), so only where runs are unbounded.
 */
export function exactlyNotAfter(extra: string): string {
  return `(?:(?<=\\\\[nrt])|(?<![A-Za-z0-9${extra}\\\\]))`;
}

/** Left edge of numbers in regexes (letters, digits, `_`, `-`, backslash); see numberStartOk. */
export const NUM_LEFT = notAfter('_\\-');

/** Right edge for numbers: not followed by a word character, a dash or a decimal fraction. */
export const NUM_RIGHT = String.raw`(?![A-Za-z0-9_\-])(?!\.\d)`;

/** Characters of base64url tokens (JWT parts, most API keys). */
export const B64URL = 'A-Za-z0-9_\\-';
