import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { DetectorName, MaskStrategy } from './types';

/** Below this an HMAC key is guessable, and a guessable key lets anyone rebuild the hash table of SSNs. */
export const MIN_HASH_KEY_BYTES = 16;

/** Keyed hashing: equal inputs give equal output (joinable), nobody without the key can test guesses. */
export class Hasher {
  private readonly key: KeyObject;

  constructor(key: Buffer | string) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (!Buffer.isBuffer(bytes) || bytes.length < MIN_HASH_KEY_BYTES) {
      throw new Error(`masking hashKey must be at least ${MIN_HASH_KEY_BYTES} bytes`);
    }
    this.key = createSecretKey(Buffer.from(bytes));
  }

  /** `hash:` and the first 16 hex characters (64 bits) of HMAC-SHA256. */
  hash(value: string): string {
    return 'hash:' + createHmac('sha256', this.key).update(value, 'utf8').digest('hex').slice(0, 16);
  }
}

/** Strictest first when several rules cover the same value: redact reveals nothing, hash equality only. */
const STRENGTH: Readonly<Record<MaskStrategy, number>> = { partial: 0, hash: 1, redact: 2 };

export function stricter(a: MaskStrategy, b: MaskStrategy): MaskStrategy {
  return STRENGTH[a] >= STRENGTH[b] ? a : b;
}

export const REDACTED = '[REDACTED]';

const markers = new Map<DetectorName, string>();
export function redactMarker(detector: DetectorName): string {
  let m = markers.get(detector);
  if (m === undefined) markers.set(detector, (m = `[REDACTED:${detector}]`));
  return m;
}

const NON_DIGIT = /\D/g;
const SPACE = /\s/g;

function lastDigits(text: string, n: number): string {
  const digits = text.replace(NON_DIGIT, '');
  return digits.slice(Math.max(0, digits.length - n));
}

/** Every digit but the last two becomes `*`; separators stay, so the shape still reads as a phone. */
function partialPhone(text: string): string {
  let keep = 2;
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c >= '0' && c <= '9') out = (keep-- > 0 ? c : '*') + out;
    else out = c + out;
  }
  return out;
}

function partialEmail(text: string): string {
  const at = text.lastIndexOf('@');
  return text[0] + '***' + text.slice(at);
}

function partialIban(text: string): string {
  const compact = text.replace(SPACE, '');
  return compact.slice(0, 2) + '*'.repeat(Math.max(0, compact.length - 6)) + compact.slice(-4);
}

/** The hint kept by `partial`; detectors without a safe hint (keys, tokens) are redacted. */
export function partialOf(detector: DetectorName, text: string): string {
  switch (detector) {
    case 'email':
      return partialEmail(text);
    case 'payment_card':
      return '**** **** **** ' + lastDigits(text, 4);
    case 'phone':
      return partialPhone(text);
    case 'iban':
      return partialIban(text);
    case 'us_ssn':
      return '***-**-' + lastDigits(text, 4);
    default:
      return redactMarker(detector);
  }
}

/**
 * The form that is hashed, so one value written two ways stays joinable: card and phone digits
 * only, IBAN without spaces, email lower-cased. Tokens and keys are hashed as they are.
 */
export function canonical(detector: DetectorName, text: string): string {
  switch (detector) {
    case 'payment_card':
    case 'phone':
    case 'us_ssn':
      return text.replace(NON_DIGIT, '');
    case 'iban':
      return text.replace(SPACE, '');
    case 'email':
      return text.toLowerCase();
    default:
      return text;
  }
}

/** The replacement for one finding in text. */
export function renderFinding(detector: DetectorName, strategy: MaskStrategy, text: string, hasher: Hasher): string {
  if (strategy === 'hash') return hasher.hash(canonical(detector, text));
  if (strategy === 'partial') return partialOf(detector, text);
  return redactMarker(detector);
}

/**
 * `partial` for a whole value of unknown kind (a masked column that is not an email, card...): the
 * last two characters of values long enough that two characters say little, else nothing.
 */
export function genericPartial(value: string): string {
  return value.length >= 8 ? '***' + value.slice(-2) : '***';
}
