import { ConfigError, loadConfig, SecretResolutionError } from '@portcullis/config';
import { runMigrations, type AppStore } from './data-source';

/** Entry point body for an app's `migrate` target: one line per applied migration, one clear line on failure. */
export async function migrateCli(app: string, store: AppStore): Promise<void> {
  try {
    const { config } = loadConfig();
    const applied = await runMigrations(config, store);
    process.stdout.write(
      applied.length === 0
        ? `${app}: schema ${store.schema} is up to date\n`
        : applied.map((m) => `${app}: applied ${m}\n`).join(''),
    );
  } catch (err) {
    const lines =
      err instanceof ConfigError
        ? err.problems
        : [err instanceof SecretResolutionError ? err.message : `migration failed: ${(err as Error).message}`];
    for (const l of lines) process.stderr.write(`portcullis ${app}: ${l}\n`);
    process.exitCode = 2;
  }
}
