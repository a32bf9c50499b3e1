// Test-only: fast byte equality with a readable failure (jest's deep equality walks buffers element by element).
export function expectBytes(actual: Buffer, expected: Buffer): void {
  if (actual.equals(expected)) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (b: Buffer) => b.subarray(Math.max(0, i - 8), i + 16).toString('hex');
  throw new Error(
    `bytes differ at offset ${i} (lengths ${actual.length} vs ${expected.length}):\n` +
      `  actual   …${around(actual)}\n  expected …${around(expected)}`,
  );
}
