// Test-only: splits a recorded session into frames the way the broker will (this folder is not built).
import { type Frame, FrameReader } from '../frame-reader';
import { parseStartupFrame } from '../startup';
import { STARTUP_FRAME_TYPE } from '../protocol';
import { type Recording, streamOf } from './recorder';

export interface FramedSession {
  label: string;
  client: Frame[];
  server: Frame[];
  /** The one-byte answers ('N') to SSLRequest / GSSENCRequest that precede the server's frames. */
  negotiation: string;
}

/** Frames a client stream (startup mode first, again after every SSL/GSSENC request) from chunks. */
export function frameClient(chunks: readonly Buffer[]): Frame[] {
  const reader = new FrameReader({ startup: true });
  const frames: Frame[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    for (let f = reader.read(); f !== null; f = reader.read()) {
      frames.push(f);
      if (f.type === STARTUP_FRAME_TYPE && parseStartupFrame(f.body).kind !== 'startup') reader.expectStartup();
    }
  }
  if (reader.buffered !== 0) throw new Error(`client stream ends inside a frame (${reader.buffered} bytes)`);
  return frames;
}

/** Frames a server stream from chunks, after skipping `skip` negotiation bytes. */
export function frameServer(chunks: readonly Buffer[], skip: number): Frame[] {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  let toSkip = skip;
  for (let chunk of chunks) {
    if (toSkip > 0) {
      const n = Math.min(toSkip, chunk.length);
      chunk = chunk.subarray(n);
      toSkip -= n;
    }
    reader.push(chunk);
    for (let f = reader.read(); f !== null; f = reader.read()) frames.push(f);
  }
  if (reader.buffered !== 0) throw new Error(`server stream ends inside a frame (${reader.buffered} bytes)`);
  return frames;
}

export function frameSession(rec: Recording): FramedSession {
  const client = frameClient(rec.clientChunks);
  const requests = client.filter((f) => f.type === STARTUP_FRAME_TYPE && parseStartupFrame(f.body).kind !== 'startup');
  const negotiation = streamOf(rec.serverChunks).subarray(0, requests.length).toString('latin1');
  return { label: rec.label, client, server: frameServer(rec.serverChunks, requests.length), negotiation };
}

/** Type characters of frames, startup frames as '*', for readable table assertions. */
export const typesOf = (frames: readonly Frame[]): string =>
  frames.map((f) => (f.type === STARTUP_FRAME_TYPE ? '*' : String.fromCharCode(f.type))).join('');
