import { NUM_LEFT, NUM_RIGHT, numberStartOk } from './boundaries';
import type { Detector, Span } from './types';

/**
 * AAA-GG-SSSS with the ranges the SSA never issues excluded (area 000, 666, 900–999; group 00;
 * serial 0000). Only the dashed form: nine bare digits are far more often an id than an SSN.
 */
const SSN_RE = new RegExp(`${NUM_LEFT}(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}${NUM_RIGHT}`, 'g');

export const usSsn: Detector = {
  name: 'us_ssn',
  gate: /\d{3}-\d{2}-\d{4}/,
  find(text: string, out: Span[]): void {
    SSN_RE.lastIndex = 0;
    for (let m = SSN_RE.exec(text); m !== null; m = SSN_RE.exec(text)) {
      if (numberStartOk(text, m.index)) out.push({ start: m.index, end: m.index + m[0].length, detector: 'us_ssn' });
      else SSN_RE.lastIndex = m.index + 1;
    }
  },
};
