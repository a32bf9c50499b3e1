import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-policy';

describe('webhook retry delays', () => {
  it('doubles from the base delay after each failed attempt', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 1000, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(30, 1000, () => 0)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('adds at most 10% jitter', () => {
    expect(retryDelayMs(2, 1000, () => 0.999)).toBe(2200);
    for (let i = 0; i < 100; i++) {
      const d = retryDelayMs(3, 500);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(2200);
    }
  });
});
