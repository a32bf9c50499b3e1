import type { Masker } from './masker';

export interface StreamMaskerOptions {
  /** A partial line older than this is masked and released, so prompts and echo stay interactive. */
  holdMs?: number;
  /** A partial line longer than this is masked and released at once. */
  maxHeldChars?: number;
}

/**
 * Masks a byte stream of terminal output (SSH, kubectl exec) with a masker's detectors. Detectors need
 * a whole value, and a value can arrive split over two chunks, so output is released a line at a time;
 * a line that has not ended is held briefly (prompts, progress bars, echoed keystrokes) and then
 * released masked on its own. A value split by that timeout can escape detection: the hold is a
 * trade-off between interactivity and masking, and policies that must never leak should deny the
 * interactive shell rather than rely on it.
 */
export class StreamMasker {
  private held = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly holdMs: number;
  private readonly maxHeldChars: number;
  private readonly decoder = new TextDecoder('utf-8');
  masked = 0;

  constructor(
    private readonly masker: Masker,
    private readonly emit: (text: string) => void,
    opts: StreamMaskerOptions = {},
  ) {
    this.holdMs = opts.holdMs ?? 30;
    this.maxHeldChars = opts.maxHeldChars ?? 16 * 1024;
  }

  write(chunk: Buffer | string): void {
    // stream: true keeps a multi-byte character split across chunks whole.
    this.held += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const end = this.held.lastIndexOf('\n');
    if (end >= 0) {
      this.release(this.held.slice(0, end + 1));
      this.held = this.held.slice(end + 1);
    }
    if (this.held.length > this.maxHeldChars) this.flush();
    else if (this.held !== '' && !this.timer) this.timer = setTimeout(() => this.flush(), this.holdMs);
  }

  /** Releases whatever is held (at the end of the stream, or when the hold expires). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held += this.decoder.decode();
    if (this.held === '') return;
    const text = this.held;
    this.held = '';
    this.release(text);
  }

  private release(text: string): void {
    const r = this.masker.maskText(text);
    this.masked += r.masked;
    this.emit(r.value);
  }
}
