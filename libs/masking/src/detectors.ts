import { paymentCard } from './card';
import { email, phone } from './contact';
import { iban } from './iban';
import { cloudKey, jwt, privateKey } from './secrets';
import { usSsn } from './ssn';
import { DETECTOR_NAMES, type Detector, type DetectorName, type Span } from './types';

const REGISTRY: Readonly<Record<DetectorName, Detector>> = {
  email,
  phone,
  payment_card: paymentCard,
  iban,
  us_ssn: usSsn,
  jwt,
  cloud_key: cloudKey,
  private_key: privateKey,
};

const PRIORITY: Readonly<Record<DetectorName, number>> = Object.fromEntries(
  DETECTOR_NAMES.map((name, i) => [name, DETECTOR_NAMES.length - i]),
) as Record<DetectorName, number>;

/** A precompiled set of detectors: one gate test decides whether any scanning is needed at all. */
export class DetectorSet {
  private readonly detectors: readonly Detector[];
  private readonly gate: RegExp | null;

  constructor(names: Iterable<DetectorName>) {
    const wanted = new Set(names);
    this.detectors = DETECTOR_NAMES.filter((n) => wanted.has(n)).map((n) => REGISTRY[n]);
    this.gate = this.detectors.length ? new RegExp(this.detectors.map((d) => d.gate.source).join('|')) : null;
  }

  get size(): number {
    return this.detectors.length;
  }

  /** Findings in text, sorted and without overlaps; an empty (shared, frozen) array when none. */
  find(text: string): readonly Span[] {
    if (this.gate === null || !this.gate.test(text)) return NONE;
    const spans: Span[] = [];
    for (const d of this.detectors) if (d.gate.test(text)) d.find(text, spans);
    return spans.length === 0 ? NONE : mergeSpans(spans);
  }
}

const NONE: readonly Span[] = Object.freeze([]);

/** All findings of every detector: for tests and diagnostics, the Masker keeps its own DetectorSet. */
export function detectSpans(text: string, names: Iterable<DetectorName> = DETECTOR_NAMES): readonly Span[] {
  return new DetectorSet(names).find(text);
}

/**
 * Sorts findings and resolves overlaps so no character is masked twice: a finding inside another
 * is dropped (the outer one covers it), and two that only partly overlap become one span over both,
 * labelled by the more specific detector, so neither leaves a tail of its value visible.
 */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  let cur = spans[0];
  for (let i = 1; i < spans.length; i++) {
    const next = spans[i];
    if (next.start >= cur.end) {
      merged.push(cur);
      cur = next;
    } else if (next.end > cur.end) {
      const detector = PRIORITY[next.detector] > PRIORITY[cur.detector] ? next.detector : cur.detector;
      cur = { start: cur.start, end: next.end, detector, merged: true };
    }
  }
  merged.push(cur);
  return merged;
}
