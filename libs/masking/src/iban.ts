import { escapeOk, notAfter } from './boundaries';
import type { Detector, Span } from './types';

/** IBAN length per country (SWIFT IBAN registry): a known country and exact length cut false positives. */
// prettier-ignore
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export function ibanLength(country: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(IBAN_LENGTHS, country) ? IBAN_LENGTHS[country] : undefined;
}

/** ISO 7064 mod 97-10 over a compact, upper-case IBAN: the check digits make the remainder 1. */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** A compact IBAN (no spaces) of a known country, with its exact length and valid check digits. */
export function isIban(compact: string): boolean {
  return ibanLength(compact.slice(0, 2)) === compact.length && ibanChecksumValid(compact);
}

const IBAN_START = new RegExp(`${notAfter('_\\-')}[A-Z]{2}\\d{2}`, 'g');

const isAlnumUpper = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
const isWordChar = (c: number): boolean => isAlnumUpper(c) || (c >= 97 && c <= 122) || c === 95;

/**
 * Where the IBAN starting at start ends, or -1. The regex only finds the country and check digits;
 * the rest is read here because its length depends on the country, and printed IBANs put a single
 * space between groups of four (anywhere else a space ends the candidate).
 */
function ibanEnd(text: string, start: number, length: number): number {
  let taken = 4;
  let p = start + 4;
  while (taken < length && p < text.length) {
    const c = text.charCodeAt(p);
    if (isAlnumUpper(c)) {
      taken++;
      p++;
    } else if (c === 32 && taken % 4 === 0 && p + 1 < text.length && isAlnumUpper(text.charCodeAt(p + 1))) {
      p++;
    } else break;
  }
  if (taken !== length) return -1;
  return p < text.length && isWordChar(text.charCodeAt(p)) ? -1 : p;
}

export const iban: Detector = {
  name: 'iban',
  gate: /[A-Z]{2}\d{2}/,
  find(text: string, out: Span[]): void {
    IBAN_START.lastIndex = 0;
    for (let m = IBAN_START.exec(text); m !== null; m = IBAN_START.exec(text)) {
      const length = ibanLength(m[0].slice(0, 2));
      if (length === undefined || !escapeOk(text, m.index)) continue;
      const end = ibanEnd(text, m.index, length);
      if (end < 0) continue;
      if (!isIban(text.slice(m.index, end).replace(/ /g, ''))) continue;
      out.push({ start: m.index, end, detector: 'iban' });
      IBAN_START.lastIndex = end;
    }
  },
};
