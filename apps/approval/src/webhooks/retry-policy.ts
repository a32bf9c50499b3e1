/** Longest wait between two attempts, however many attempts are configured. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * Delay before the next attempt after `attempts` failed ones: base, 2×base, 4×base … capped, with up to
 * 10% jitter so deliveries that failed together (a receiver restart) do not all come back together.
 */
export function retryDelayMs(attempts: number, baseDelayMs: number, random: () => number = Math.random): number {
  const exponential = baseDelayMs * 2 ** Math.max(0, attempts - 1);
  const capped = Math.min(exponential, MAX_RETRY_DELAY_MS);
  return Math.round(capped * (1 + 0.1 * random()));
}
