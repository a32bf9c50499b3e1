import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A secret is never written in the config: only where to find it. */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export class SecretResolutionError extends Error {
  constructor(
    readonly keyPath: string,
    problem: string,
  ) {
    super(`${keyPath}: ${problem}`);
    this.name = 'SecretResolutionError';
  }
}

/**
 * Reads a secret from where its reference points. Errors name the reference (variable or path) and
 * the config key, never the value: a wrong secret printed in a log is still a leaked secret.
 */
export function resolveSecret(ref: SecretRef, keyPath: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new SecretResolutionError(keyPath, `environment variable ${ref.env} is not set`);
    }
    return value;
  }
  let value: string;
  try {
    value = readFileSync(ref.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SecretResolutionError(keyPath, `secret file ${ref.file} cannot be read (${code})`);
  }
  // Files written by editors or `echo` end with a newline that is not part of the secret.
  const trimmed = value.replace(/\r?\n$/, '');
  if (trimmed === '') throw new SecretResolutionError(keyPath, `secret file ${ref.file} is empty`);
  return trimmed;
}
