import { createHash } from 'node:crypto';
import type { AuditEvent } from '@portcullis/contracts';
import { canonicalJson } from '../chain/canonical';

export type RecordingChunk = NonNullable<AuditEvent['recording']>;
export type RecordingKind = RecordingChunk['kind'];

/** What the chained event row says about its chunk: enough to prove the stored chunk is the one received. */
export interface RecordingDigest {
  sessionId: string;
  kind: RecordingKind;
  seq: number;
  header?: Extract<RecordingChunk, { kind: 'terminal' }>['header'];
  /** Items and bytes as published. */
  items: number;
  bytes: number;
  /** Items kept under the session's size cap, and the sha256 of their stored text. */
  storedItems: number;
  sha256: string;
}

export interface RecordingState {
  sessionId: string;
  kind: RecordingKind;
  header: string | null;
  firstTime: string;
  bytes: number;
  chunks: number;
  truncated: boolean;
}

export interface ChunkRow {
  session_id: string;
  kind: RecordingKind;
  seq: number;
  event_seq: number;
  data: string;
}

export const recordingKey = (sessionId: string, kind: string): string => JSON.stringify([sessionId, kind]);

/**
 * Applies the recording chunks of one ingest batch against each session's size cap. A session keeps a
 * contiguous prefix of what it published, in arrival order: once an item does not fit, that chunk and
 * every later one of the session are cut and the recording is marked truncated. Runs inside the chain
 * transaction, so the stored sizes it starts from are current.
 */
export class RecordingLedger {
  private readonly chunkRows: ChunkRow[] = [];
  private readonly touched = new Set<string>();

  constructor(
    private readonly maxBytesPerSession: number,
    private readonly states: Map<string, RecordingState>,
  ) {}

  apply(chunk: RecordingChunk, time: string, eventSeq: number): RecordingDigest {
    const key = recordingKey(chunk.sessionId, chunk.kind);
    const state = this.states.get(key) ?? this.fresh(chunk, time);
    this.states.set(key, state);
    this.touched.add(key);
    const items: unknown[] = chunk.data;
    let kept = 0;
    let keptBytes = 0;
    for (const item of items) {
      if (state.truncated) break;
      // Items are framed as asciicast lines (or transcript entries): count each as its line plus a newline.
      const size = Buffer.byteLength(canonicalJson(item), 'utf8') + 1;
      if (state.bytes + keptBytes + size > this.maxBytesPerSession) {
        state.truncated = true;
        break;
      }
      kept++;
      keptBytes += size;
    }
    const stored = canonicalJson(items.slice(0, kept));
    if (chunk.kind === 'terminal' && chunk.header && state.header === null) state.header = canonicalJson(chunk.header);
    if (Date.parse(time) < Date.parse(state.firstTime)) state.firstTime = time;
    if (kept > 0) {
      state.bytes += keptBytes;
      state.chunks += 1;
      this.chunkRows.push({
        session_id: chunk.sessionId,
        kind: chunk.kind,
        seq: chunk.seq,
        event_seq: eventSeq,
        data: stored,
      });
    }
    return {
      sessionId: chunk.sessionId,
      kind: chunk.kind,
      seq: chunk.seq,
      ...(chunk.kind === 'terminal' && chunk.header ? { header: chunk.header } : {}),
      items: items.length,
      bytes: Buffer.byteLength(JSON.stringify(items), 'utf8'),
      storedItems: kept,
      sha256: sha256Hex(stored),
    };
  }

  rows(): ChunkRow[] {
    return this.chunkRows;
  }

  changed(): RecordingState[] {
    return [...this.touched].map((k) => this.states.get(k)!);
  }

  private fresh(chunk: RecordingChunk, time: string): RecordingState {
    return {
      sessionId: chunk.sessionId,
      kind: chunk.kind,
      header: null,
      firstTime: time,
      bytes: 0,
      chunks: 0,
      truncated: false,
    };
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
