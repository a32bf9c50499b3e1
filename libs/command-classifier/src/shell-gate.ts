import { readFileSync } from 'node:fs';
import { getProcessor } from 'sh-syntax';
import type { File, GetWebAssemblyInstance } from 'sh-syntax';

/**
 * mvdan/sh (compiled to wasm by sh-syntax) is the syntax authority: a line it rejects is
 * refused. Its exported tree stops at statement boundaries, so the deep structure comes
 * from shell-parse.ts; comparing the two parsers' top-level statement boundaries catches
 * the places where our parser and a real one disagree, which is exactly where evasions live.
 */

/** Inputs above this size are refused: the wasm heap of one parser instance does not grow reliably. */
export const MAX_SHELL_INPUT = 64 * 1024;

type Processor = (text: string, options?: { keepComments?: boolean; variant?: 1 }) => Promise<File>;

/** The WebAssembly global, typed locally: this workspace's lib settings carry no DOM/wasm typings. */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: unknown) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

export class GateError extends Error {}

let processor: Processor | undefined;

/**
 * Once, during a stress run, a parse never settled (idle, not spinning) and could not be
 * reproduced since. A request must not wait forever on it: fail closed and start afresh.
 */
const GATE_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      processor = undefined;
      reject(new GateError(`shell parser did not answer within ${ms} ms`));
    }, ms);
    timer.unref();
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

function getParser(): Processor {
  if (!processor) {
    // Compile once (sh-syntax's default re-compiles on every call: tens of ms) and instantiate
    // synchronously: the async path idles on background threads for milliseconds per call.
    // Each call still gets a fresh instance: reusing one corrupts or hangs its heap after a
    // few thousand parses, and a hang here would stall the policy service.
    const module = new wasmApi.Module(readFileSync(require.resolve('sh-syntax/main.wasm')));
    const instantiate = (imports: unknown): object => new wasmApi.Instance(module, imports);
    processor = getProcessor(instantiate as unknown as GetWebAssemblyInstance) as Processor;
  }
  return processor;
}

/** UTF-8 byte offsets of the top-level statements mvdan/sh sees; throws GateError on a syntax error. */
export async function mvdanStatementOffsets(src: string): Promise<number[]> {
  if (src.length > MAX_SHELL_INPUT) throw new GateError(`command longer than ${MAX_SHELL_INPUT} characters`);
  let file: File;
  try {
    file = await withTimeout(getParser()(src, { keepComments: false, variant: 1 }), GATE_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw new GateError(`shell syntax error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return file.Stmts.map((s) => s.Pos.Offset);
}

/** Converts UTF-16 indices into `src` to UTF-8 byte offsets, as mvdan/sh reports them. */
export function byteOffsets(src: string, indices: number[]): number[] {
  if (/^[\x00-\x7f]*$/.test(src)) return indices;
  return indices.map((i) => Buffer.byteLength(src.slice(0, i), 'utf8'));
}
