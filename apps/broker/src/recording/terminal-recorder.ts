import type { RecordingChunk } from '@portcullis/contracts';
import { AUDIT_RECORDING_MAX_CHUNK_BYTES } from '@portcullis/contracts';

type TerminalChunk = Extract<RecordingChunk, { kind: 'terminal' }>;
type Event = TerminalChunk['data'][number];
export type TerminalHeader = NonNullable<TerminalChunk['header']>;

/** Flush at least this often, so a recording is in the audit trail while the session is still open. */
const FLUSH_MS = 1000;
/** Stay well under the chunk cap, leaving room for JSON escaping of control characters. */
const CHUNK_CHARS = Math.floor(AUDIT_RECORDING_MAX_CHUNK_BYTES / 4);
const MAX_EVENTS = 5000;

/**
 * An asciicast v2 recording of one terminal session (an SSH channel, a kubectl exec stream), published to
 * the audit stream as numbered `session.recording` chunks. Callers pass output already masked: the recorder
 * stores what the agent saw. Publishing never holds the session up; `close` flushes the rest.
 */
export class TerminalRecorder {
  private readonly started = process.hrtime.bigint();
  private events: Event[] = [];
  private chars = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly sessionId: string,
    private readonly header: TerminalHeader,
    private readonly publish: (chunk: TerminalChunk) => void,
  ) {}

  output(text: string): void {
    this.add('o', text);
  }

  input(text: string): void {
    this.add('i', text);
  }

  resize(width: number, height: number): void {
    this.add('r', `${width}x${height}`);
  }

  marker(label: string): void {
    this.add('m', label);
  }

  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
  }

  private add(code: Event[1], text: string): void {
    if (this.closed || text === '') return;
    // A very large write is split, so no chunk ever exceeds what the stream accepts.
    for (let i = 0; i < text.length; i += CHUNK_CHARS) {
      const part = text.slice(i, i + CHUNK_CHARS);
      if (this.chars + part.length > CHUNK_CHARS || this.events.length >= MAX_EVENTS) this.flush(false);
      this.events.push([this.elapsed(), code, part]);
      this.chars += part.length;
    }
    if (!this.timer) this.timer = setTimeout(() => this.flush(false), FLUSH_MS);
  }

  private flush(final: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // The header travels with chunk 0, which is sent even for a session that printed nothing.
    if (this.events.length === 0 && !(final && this.seq === 0)) return;
    const chunk: TerminalChunk = {
      sessionId: this.sessionId,
      seq: this.seq,
      kind: 'terminal',
      ...(this.seq === 0 ? { header: this.header } : {}),
      data: this.events,
    };
    this.seq += 1;
    this.events = [];
    this.chars = 0;
    this.publish(chunk);
  }

  private elapsed(): number {
    return Math.round(Number(process.hrtime.bigint() - this.started) / 1e3) / 1e6;
  }
}
