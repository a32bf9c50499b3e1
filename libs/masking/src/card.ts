import { NUM_LEFT, NUM_RIGHT, numberStartOk } from './boundaries';
import { luhnValid } from './luhn';
import type { Detector, Span } from './types';

interface IinRange {
  lo: number;
  hi: number;
  /** How many leading digits lo and hi describe. */
  prefix: number;
  minLen: number;
  maxLen: number;
}

const r = (lo: number, hi: number, minLen: number, maxLen = minLen): IinRange => ({
  lo,
  hi,
  prefix: String(lo).length,
  minLen,
  maxLen,
});

/**
 * Issuer ranges of the major networks. Luhn alone passes one random number in ten; requiring a
 * known issuer prefix and its lengths removes most ids, timestamps (which start with 1) and counters.
 */
const IIN_RANGES: readonly IinRange[] = [
  r(4, 4, 13), // Visa
  r(4, 4, 16),
  r(4, 4, 19),
  r(51, 55, 16), // Mastercard
  r(2221, 2720, 16),
  r(34, 34, 15), // American Express
  r(37, 37, 15),
  r(6011, 6011, 16, 19), // Discover
  r(644, 649, 16, 19),
  r(65, 65, 16, 19),
  r(300, 305, 14, 19), // Diners Club
  r(36, 36, 14, 19),
  r(38, 39, 16, 19),
  r(3528, 3589, 16, 19), // JCB
  r(62, 62, 16, 19), // UnionPay
  r(2200, 2204, 16, 19), // Mir
  r(5018, 5018, 13, 19), // Maestro
  r(5020, 5020, 13, 19),
  r(5038, 5038, 13, 19),
  r(5893, 5893, 13, 19),
  r(6304, 6304, 13, 19),
  r(6759, 6759, 13, 19),
  r(6761, 6763, 13, 19),
  r(60, 60, 16), // RuPay
  r(508, 508, 16),
];

const POW10 = [1, 10, 100, 1000, 10000];

export function knownIssuer(digits: string): boolean {
  const len = digits.length;
  if (len < 4) return false;
  // The first four digits as a number; each range compares its own shorter prefix of it.
  const first4 =
    (digits.charCodeAt(0) - 48) * 1000 +
    (digits.charCodeAt(1) - 48) * 100 +
    (digits.charCodeAt(2) - 48) * 10 +
    (digits.charCodeAt(3) - 48);
  for (const range of IIN_RANGES) {
    if (len < range.minLen || len > range.maxLen) continue;
    const p = Math.floor(first4 / POW10[4 - range.prefix]);
    if (p >= range.lo && p <= range.hi) return true;
  }
  return false;
}

/** 13–19 digits that pass Luhn and belong to a known issuer. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) && knownIssuer(digits);
}

/**
 * Digits either unbroken or in the groupings cards are printed in (4-4-4-4, 4-4-4-4-3, 4-6-5,
 * 4-6-4), so a row of small numbers separated by spaces never reads as one card.
 */
const CARD_RE = new RegExp(
  `${NUM_LEFT}\\d{4}(?:\\d{9,15}|([ -])\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{3})?|([ -])\\d{6}\\2\\d{4,5})${NUM_RIGHT}`,
  'g',
);

const NON_DIGIT = /\D/g;

export const paymentCard: Detector = {
  name: 'payment_card',
  gate: /\d{4}[ -]?\d{4}/,
  find(text: string, out: Span[]): void {
    CARD_RE.lastIndex = 0;
    for (let m = CARD_RE.exec(text); m !== null; m = CARD_RE.exec(text)) {
      const end = startOk(text, m.index) ? cardEnd(m[0]) : 0;
      // A rejected candidate may have swallowed the start of a real card: retry from its next character.
      CARD_RE.lastIndex = m.index + (end || 1);
      if (end > 0) out.push({ start: m.index, end: m.index + end, detector: 'payment_card' });
    }
  },
};

/** `hash:` is our own hash output: its hex can be all digits and must not be masked again. */
function startOk(text: string, start: number): boolean {
  return numberStartOk(text, start) && !text.startsWith('hash:', start - 5);
}

/**
 * How much of a candidate is a card (0: none). A grouped 16-digit card followed by a 3-digit CVV
 * reads as the 4-4-4-4-3 layout of a 19-digit card; when that fails, the first four groups are
 * tried on their own so the card is still caught.
 */
function cardEnd(candidate: string): number {
  const grouped = candidate.length > 19 || candidate.indexOf(' ') >= 0 || candidate.indexOf('-') >= 0;
  if (isCardNumber(grouped ? candidate.replace(NON_DIGIT, '') : candidate)) return candidate.length;
  if (!grouped) return 0;
  const groups = candidate.split(/[ -]/);
  if (groups.length !== 5) return 0;
  const four = groups.slice(0, 4).join('');
  return isCardNumber(four) ? candidate.length - groups[4].length - 1 : 0;
}
