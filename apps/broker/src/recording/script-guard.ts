import type { LineScreening } from '../pipeline/command-pipeline.service';

const LF = 0x0a;
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Screens a shell's input when there is no terminal (`ssh host < script`, `ssh -T host`,
 * `kubectl exec -i pod -- sh < script`). Without a pty
 * nothing interprets Ctrl-C or backspace: the shell reads exactly the bytes sent, so the line-editing
 * guard's "forward keystrokes, cancel with Ctrl-C" cannot stop a line here. Instead each whole line is
 * held, screened as the shell will read it, and forwarded only if allowed; a blocked line is dropped.
 */
export class ScriptGuard {
  private held = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly screen: (line: string) => Promise<LineScreening>,
    private readonly forward: (data: Buffer) => void,
    private readonly notify: (message: string) => void,
  ) {}

  write(data: Buffer): void {
    this.held = Buffer.concat([this.held, data]);
    let end: number;
    while ((end = this.held.indexOf(LF)) >= 0) {
      const line = this.held.subarray(0, end + 1);
      this.held = this.held.subarray(end + 1);
      this.enqueue(line);
    }
    if (this.held.length > MAX_LINE_BYTES) {
      this.held = Buffer.alloc(0);
      this.enqueue(undefined);
    }
  }

  /** The agent's EOF: the last, unterminated line is screened too, then `then` runs. */
  end(then: () => void): void {
    if (this.held.length > 0) this.enqueue(this.held);
    this.held = Buffer.alloc(0);
    this.queue = this.queue.then(() => (this.closed ? undefined : then()));
  }

  close(): void {
    this.closed = true;
  }

  private enqueue(line: Buffer | undefined): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      if (line && line.toString('utf8').trim() === '') return this.forward(line);
      const verdict: LineScreening = line
        ? await this.screen(line.toString('utf8').replace(/\r?\n$/, '')).catch(() => ({
            blocked: true as const,
            message: 'the line could not be checked',
          }))
        : { blocked: true, message: `a line longer than ${MAX_LINE_BYTES} bytes cannot be checked` };
      if (this.closed) return;
      if (verdict.blocked) this.notify(`portcullis: ${verdict.message}`);
      else if (line) this.forward(line);
    });
  }
}
