import { readdirSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';

/**
 * Notices changes to the policy's source: the config file, or a directory of policy files. Polling
 * stat rather than inotify, because editors replace files by rename and Kubernetes swaps ConfigMap
 * volumes through symlinks; a stat poll sees both. One poll a second costs nothing measurable.
 */
export class PolicySourceWatcher {
  private timer?: NodeJS.Timeout;
  private lastSignature = '';

  constructor(
    private readonly paths: { file: string; directory?: string },
    private readonly onChange: () => void,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.lastSignature = this.signature();
    watchFile(this.paths.file, { interval: this.intervalMs, persistent: false }, () => this.check());
    if (this.paths.directory) {
      this.timer = setInterval(() => this.check(), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    unwatchFile(this.paths.file);
    if (this.timer) clearInterval(this.timer);
  }

  private check(): void {
    const sig = this.signature();
    if (sig !== this.lastSignature) {
      this.lastSignature = sig;
      this.onChange();
    }
  }

  private signature(): string {
    const files = [this.paths.file];
    if (this.paths.directory) {
      try {
        files.push(
          ...readdirSync(this.paths.directory)
            .sort()
            .map((f) => join(this.paths.directory!, f)),
        );
      } catch {
        files.push(`${this.paths.directory}:unreadable`);
      }
    }
    return files
      .map((f) => {
        try {
          const s = statSync(f);
          return `${f}:${s.mtimeMs}:${s.size}:${s.ino}`;
        } catch {
          return `${f}:missing`;
        }
      })
      .join('|');
  }
}
