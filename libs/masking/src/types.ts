/** The content detectors a policy can name, in the order they win when two findings overlap. */
export const DETECTOR_NAMES = [
  'private_key',
  'jwt',
  'cloud_key',
  'iban',
  'payment_card',
  'us_ssn',
  'email',
  'phone',
] as const;

export type DetectorName = (typeof DETECTOR_NAMES)[number];

export type MaskStrategy = 'redact' | 'partial' | 'hash';

/** A finding in a string: [start, end) in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
  detector: DetectorName;
  /** Set when two partly overlapping findings were joined: rendered as a plain redaction. */
  merged?: boolean;
}

export interface MaskResult<T> {
  value: T;
  /** How many values were replaced: one per masked cell, JSON field or detected span. */
  masked: number;
}

export interface Detector {
  readonly name: DetectorName;
  /**
   * A cheap regex that must match somewhere for find() to have any chance. The gates of the
   * enabled detectors are joined into one test so text without any trigger skips all scanning.
   */
  readonly gate: RegExp;
  /** Appends every validated finding in text to out (order irrelevant, overlaps allowed). */
  find(text: string, out: Span[]): void;
}

const names: ReadonlySet<string> = new Set(DETECTOR_NAMES);

export function isDetectorName(name: string): name is DetectorName {
  return names.has(name);
}
