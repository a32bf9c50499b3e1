import { DetectorSet } from './detectors';
import { type Hasher, redactMarker, renderFinding } from './strategies';
import type { DetectorName, MaskResult, MaskStrategy, Span } from './types';

/** Bounds the rescans; real text settles after the second pass. */
const MAX_PASSES = 4;

/** Detector rules compiled for free text: which detectors run and how each one's findings are replaced. */
export class TextMasker {
  private readonly detectors: DetectorSet;

  constructor(
    private readonly strategies: ReadonlyMap<DetectorName, MaskStrategy>,
    private readonly hasher: Hasher,
  ) {
    this.detectors = new DetectorSet(strategies.keys());
  }

  get size(): number {
    return this.detectors.size;
  }

  /**
   * Replaces every finding; returns the very same string (no copy) when there is none. A value
   * glued to another (`+1 415 555 2671-----BEGIN ...`) may only stand alone once its neighbour is
   * replaced, so the output is scanned again until nothing is found: masking masked output is then
   * a no-op. The extra scan only happens when something was masked.
   */
  mask(text: string): MaskResult<string> {
    let value = text;
    let masked = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const spans = this.detectors.find(value);
      if (spans.length === 0) break;
      value = this.replace(value, spans);
      masked += spans.length;
    }
    return { value, masked };
  }

  private replace(text: string, spans: readonly Span[]): string {
    let out = '';
    let pos = 0;
    for (const s of spans) {
      const found = text.slice(s.start, s.end);
      const strategy = this.strategies.get(s.detector) ?? 'redact';
      // A joined span holds parts of two values: no single hint or hash describes it.
      const replacement = s.merged ? redactMarker(s.detector) : renderFinding(s.detector, strategy, found, this.hasher);
      out += text.slice(pos, s.start) + replacement;
      pos = s.end;
    }
    return out + text.slice(pos);
  }
}
