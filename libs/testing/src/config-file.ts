import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Writes a config for one suite into its own temporary directory; `cleanup` removes it. */
export function writeConfig(config: Record<string, unknown>): { path: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  const path = join(dir, 'portcullis.yaml');
  writeFileSync(path, stringify(config));
  return { path, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
