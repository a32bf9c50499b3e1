import { sha256Hex, type RecordingDigest, type RecordingKind } from './recording-ledger';

export interface StoredChunk {
  seq: number;
  data: string;
}

export interface AssemblyInput {
  sessionId: string;
  kind: RecordingKind;
  header: string | null;
  truncated: boolean;
  maxBytes: number;
  chunks: StoredChunk[];
  /** The digests the chain holds for this recording, in chain order. */
  digests: RecordingDigest[];
}

export interface Assembled {
  contentType: string;
  body: string;
  truncated: boolean;
  /** Every stored chunk matches the digest the chain holds for it, and every chained chunk is there. */
  verified: boolean;
  problems: string[];
}

/** Checks the stored chunks against the chain: a chunk edited, deleted or added since ingest shows here. */
export function checkChunks(chunks: StoredChunk[], digests: RecordingDigest[]): string[] {
  const problems: string[] = [];
  const stored = new Map(chunks.map((c) => [c.seq, c]));
  const chained = new Map<number, RecordingDigest>();
  for (const d of digests) if (d.storedItems > 0 && !chained.has(d.seq)) chained.set(d.seq, d);
  for (const [seq, d] of chained) {
    const c = stored.get(seq);
    if (!c) problems.push(`chunk ${seq} is in the chain but missing from the store`);
    else if (sha256Hex(c.data) !== d.sha256) problems.push(`chunk ${seq} does not match its chained digest`);
  }
  for (const seq of stored.keys()) {
    if (!chained.has(seq)) problems.push(`chunk ${seq} is stored but not in the chain`);
  }
  return problems;
}

/** asciicast v2: a header line, then one [time, code, data] line per event, chunks in seq order. */
export function assembleAsciicast(input: AssemblyInput, problems: string[]): string {
  const header = { version: 2, width: 80, height: 24, ...(input.header ? JSON.parse(input.header) : {}) };
  const lines = [JSON.stringify(header)];
  let last = 0;
  for (const chunk of input.chunks) {
    for (const ev of JSON.parse(chunk.data) as Array<[number, string, string]>) {
      last = Math.max(last, ev[0]);
      lines.push(JSON.stringify(ev));
    }
  }
  // Markers are part of asciicast v2: a player shows where the record stops being complete.
  for (const p of problems) lines.push(JSON.stringify([last, 'm', `portcullis: ${p}`]));
  if (input.truncated) {
    lines.push(JSON.stringify([last, 'm', `portcullis: recording truncated at ${input.maxBytes} bytes`]));
  }
  return `${lines.join('\n')}\n`;
}

/** A SQL session as one JSON document: its statements with decisions and masked result excerpts. */
export function assembleTranscript(input: AssemblyInput, problems: string[]): string {
  const entries = input.chunks.flatMap((c) => JSON.parse(c.data) as unknown[]);
  return JSON.stringify({
    sessionId: input.sessionId,
    kind: 'sql',
    truncated: input.truncated,
    verified: problems.length === 0,
    problems,
    entries,
  });
}

export function assemble(input: AssemblyInput): Assembled {
  const problems = checkChunks(input.chunks, input.digests);
  const terminal = input.kind === 'terminal';
  return {
    contentType: terminal ? 'application/x-asciicast' : 'application/json',
    body: terminal ? assembleAsciicast(input, problems) : assembleTranscript(input, problems),
    truncated: input.truncated,
    verified: problems.length === 0,
    problems,
  };
}
