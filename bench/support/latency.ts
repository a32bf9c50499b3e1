// Shared by the benchmarks: timing loops and one line of p50 / p99 / rate per row.

/** Microseconds per call of fn, after a warm-up, one call at a time. */
export async function sequential(fn: () => Promise<unknown>, n: number, warmup = 200): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return out;
}

/** Microseconds per call with `width` calls in flight, and the wall time of all n. */
export async function concurrent(
  fn: () => Promise<unknown>,
  n: number,
  width: number,
): Promise<{ samples: number[]; wallMs: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next++ < n) {
        const t = process.hrtime.bigint();
        await fn();
        samples.push(Number(process.hrtime.bigint() - t) / 1000);
      }
    }),
  );
  return { samples, wallMs: Date.now() - started };
}

/** Prints p50, p99 and the rate: calls per second of wall time when given, else 1 / mean latency. */
export function report(label: string, samples: number[], opts: { width?: number; wallMs?: number } = {}): void {
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  const rate = opts.wallMs
    ? (samples.length / opts.wallMs) * 1000
    : 1e6 / (samples.reduce((a, b) => a + b, 0) / samples.length);
  console.log(
    `  ${label.padEnd(opts.width ?? 34)} p50 ${q(0.5).toFixed(0).padStart(6)} µs  p99 ${q(0.99).toFixed(0).padStart(6)} µs  ${rate.toFixed(0).padStart(7)} /s`,
  );
}
