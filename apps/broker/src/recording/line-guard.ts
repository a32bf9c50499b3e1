import type { LineScreening } from '../pipeline/command-pipeline.service';

const CR = 0x0d;
const LF = 0x0a;
const BACKSPACE = 0x08;
const DEL = 0x7f;
const CTRL_C = 0x03;
const CTRL_U = 0x15;
/** Longest line the guard reads; a longer one cannot be screened and is refused at Enter. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Screens what an agent types into an interactive terminal (an SSH shell, `kubectl exec -it`), a line at a
 * time. Keystrokes pass through at once so the terminal echoes normally; the Enter that would run a line is
 * held until policy has screened the line, and a blocked line is cancelled with Ctrl-C instead.
 *
 * The broker only sees keystrokes, not the shell's line buffer, so a line it cannot reconstruct is
 * refused rather than guessed at: one edited with cursor keys, recalled from history, completed with Tab
 * or continued with a trailing backslash. This is a tripwire against a forbidden command typed into a
 * session that was allowed to open; the boundary is still the decision to allow an interactive session.
 */
export class LineGuard {
  private line: number[] = [];
  /** The line holds keys whose effect on the shell's buffer the guard cannot know. */
  private opaque = false;
  private queue: Buffer[] = [];
  private busy = false;
  private closed = false;

  constructor(
    private readonly screen: (line: string) => Promise<LineScreening>,
    private readonly forward: (data: Buffer) => void,
    private readonly notify: (message: string) => void,
  ) {}

  /** Input from the client; order is kept, and nothing after a held Enter is forwarded before it. */
  write(data: Buffer): void {
    if (this.closed) return;
    this.queue.push(data);
    if (!this.busy) void this.drain();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const data = this.queue.shift()!;
        let from = 0;
        for (let i = 0; i < data.length; i++) {
          if (data[i] !== CR && data[i] !== LF) {
            this.track(data[i]!);
            continue;
          }
          if (i > from) this.forward(data.subarray(from, i));
          from = i + 1;
          await this.enter(data.subarray(i, i + 1));
          if (this.closed) return;
        }
        if (from < data.length) this.forward(data.subarray(from));
      }
    } finally {
      this.busy = false;
    }
  }

  private track(byte: number): void {
    if (byte === BACKSPACE || byte === DEL) {
      // A UTF-8 character is one keystroke: drop its continuation bytes with it.
      while (this.line.length > 0 && (this.line.pop()! & 0xc0) === 0x80);
    } else if (byte === CTRL_C || byte === CTRL_U) {
      this.reset();
    } else if (byte < 0x20) {
      // Escape sequences (arrows, history), Tab, Ctrl-R, Ctrl-W and friends edit the line out of sight.
      this.opaque = true;
    } else if (this.line.length < MAX_LINE_BYTES) {
      this.line.push(byte);
    } else {
      this.opaque = true;
    }
  }

  private async enter(key: Buffer): Promise<void> {
    const text = Buffer.from(this.line).toString('utf8');
    const opaque = this.opaque || /\\$/.test(text);
    this.reset();
    if (text.trim() === '' && !opaque) return this.forward(key);
    let verdict: LineScreening;
    if (opaque) {
      verdict = {
        blocked: true,
        message:
          'this line was edited with keys the gateway cannot follow (cursor keys, history, Tab, a trailing \\); type the command in full',
      };
    } else {
      verdict = await this.screen(text).catch(() => ({ blocked: true, message: 'the line could not be checked' }));
    }
    if (this.closed) return;
    if (!verdict.blocked) return this.forward(key);
    this.forward(Buffer.from([CTRL_C]));
    this.notify(`portcullis: ${verdict.message}`);
  }

  private reset(): void {
    this.line = [];
    this.opaque = false;
  }
}
