import { canonical, genericPartial, Hasher, partialOf, redactMarker, renderFinding, stricter } from './strategies';

const key = 'k'.repeat(32);

describe('partial', () => {
  it.each([
    ['email', 'jane.doe@example.com', 'j***@example.com'],
    ['payment_card', '4242 4242 4242 4242', '**** **** **** 4242'],
    ['payment_card', '378282246310005', '**** **** **** 0005'],
    ['phone', '+1 (415) 555-2671', '+* (***) ***-**71'],
    ['phone', '415-555-2671', '***-***-**71'],
    ['iban', 'DE89 3704 0044 0532 0130 00', 'DE****************3000'],
    ['us_ssn', '123-45-6789', '***-**-6789'],
    ['jwt', 'eyJ.x.y', '[REDACTED:jwt]'],
    ['cloud_key', 'AKIAIOSFODNN7EXAMPLE', '[REDACTED:cloud_key]'],
    ['private_key', '-----BEGIN PRIVATE KEY-----', '[REDACTED:private_key]'],
  ] as const)('%s %j → %j', (detector, text, expected) => {
    expect(partialOf(detector, text)).toBe(expected);
  });

  it('keeps only a short tail of values of unknown kind, and nothing of short ones', () => {
    expect(genericPartial('Jane Marie Doe')).toBe('***oe');
    expect(genericPartial('Jane')).toBe('***');
  });
});

describe('redact', () => {
  it('names the detector', () => {
    expect(renderFinding('email', 'redact', 'a@b.co', new Hasher(key))).toBe('[REDACTED:email]');
    expect(redactMarker('us_ssn')).toBe('[REDACTED:us_ssn]');
  });
});

describe('hash', () => {
  const h = new Hasher(key);

  it('is hash: and 16 hex characters, stable for equal values', () => {
    const a = h.hash('123-45-6789');
    expect(a).toMatch(/^hash:[0-9a-f]{16}$/);
    expect(h.hash('123-45-6789')).toBe(a);
    expect(new Hasher(Buffer.from(key)).hash('123-45-6789')).toBe(a);
  });

  it('differs for different values and for different keys', () => {
    expect(h.hash('123-45-6789')).not.toBe(h.hash('123-45-6780'));
    expect(new Hasher('another key of enough length').hash('123-45-6789')).not.toBe(h.hash('123-45-6789'));
  });

  it('hashes one value written two ways alike, so it stays joinable', () => {
    const a = renderFinding('payment_card', 'hash', '4242 4242 4242 4242', h);
    expect(renderFinding('payment_card', 'hash', '4242-4242-4242-4242', h)).toBe(a);
    expect(renderFinding('email', 'hash', 'Jane@Example.com', h)).toBe(
      renderFinding('email', 'hash', 'jane@example.com', h),
    );
    expect(canonical('iban', 'DE89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
  });

  it('refuses a missing or short key instead of falling back to a default', () => {
    expect(() => new Hasher('')).toThrow(/at least 16 bytes/);
    expect(() => new Hasher(Buffer.alloc(8))).toThrow(/at least 16 bytes/);
    expect(() => new Hasher(undefined as unknown as string)).toThrow(/at least 16 bytes/);
  });
});

describe('stricter', () => {
  it('prefers redact over hash over partial', () => {
    expect(stricter('partial', 'hash')).toBe('hash');
    expect(stricter('redact', 'hash')).toBe('redact');
    expect(stricter('partial', 'partial')).toBe('partial');
  });
});
