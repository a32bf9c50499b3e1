import type { Masker } from '@portcullis/masking';
import { StreamMasker } from '@portcullis/masking';
import type { ClientChannel, ServerChannel } from 'ssh2';
import type { TerminalRecorder } from '../recording/terminal-recorder';

export interface RelayOptions {
  /** Output goes through it when the decision masks; output is then treated as UTF-8 text. */
  masker?: Masker;
  /** Receives output as the agent saw it (masked). */
  recorder?: TerminalRecorder;
  /** Screens the agent's input (interactive shells); by default it goes straight to the target. */
  input?: InputGuard;
}

export interface InputGuard {
  write(data: Buffer): void;
  /** The agent sent EOF: `then` passes it on once everything before it has been forwarded. */
  end(then: () => void): void;
}

export type RelayEnd =
  { how: 'exit'; code: number } | { how: 'signal'; signal: string } | { how: 'closed'; by: 'agent' | 'target' };

export interface RelayResult {
  end: RelayEnd;
  /** Output bytes the agent received (after masking). */
  bytes: number;
  masked: number;
}

/**
 * Relays one channel between the agent and the target: input to the target, stdout and stderr back
 * (masked and recorded when asked), EOF both ways, window flow control, and the target's exit status or
 * signal to the agent. Resolves when either side closes the channel.
 */
export function relayChannel(agent: ServerChannel, target: ClientChannel, opts: RelayOptions): Promise<RelayResult> {
  let bytes = 0;
  let end: RelayEnd = { how: 'closed', by: 'target' };
  const sinks = [outputSink(agent, agent.stdout, opts), outputSink(agent, agent.stderr, opts)];
  const throttle = (from: ClientChannel | ServerChannel, to: ServerChannel | ClientChannel) => {
    if (to.writableNeedDrain) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  target.on('data', (d: Buffer) => {
    bytes += sinks[0].write(d);
    throttle(target, agent);
  });
  target.stderr.on('data', (d: Buffer) => {
    bytes += sinks[1].write(d);
  });
  target.on('exit', (code: number | null, signal?: string) => {
    end = code !== null && code !== undefined ? { how: 'exit', code } : { how: 'signal', signal: signal ?? 'KILL' };
  });
  const input = opts.input;
  agent.on('data', (d: Buffer) => {
    if (input) input.write(d);
    else target.write(d);
    throttle(agent, target);
  });
  agent.on('end', () => (input ? input.end(() => target.end()) : target.end()));
  agent.on('error', () => undefined);
  target.on('error', () => undefined);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: RelayEnd) => {
      if (settled) return;
      settled = true;
      for (const s of sinks) bytes += s.flush();
      if (!agent.writableEnded) {
        if (result.how === 'exit') agent.exit(result.code);
        else if (result.how === 'signal') agent.exit(result.signal.replace(/^SIG/, ''), false, '');
        agent.end();
      }
      target.close();
      resolve({ end: result, bytes, masked: sinks.reduce((n, s) => n + s.masked(), 0) });
    };
    // The close can come while output is still buffered behind a slow agent: finish after the last of it.
    target.once('close', () => (target.readableEnded ? finish(end) : target.once('end', () => finish(end))));
    agent.once('close', () => finish({ how: 'closed', by: 'agent' }));
  });
}

interface OutputSink {
  /** Passes a chunk on; returns the bytes written to the agent now. */
  write(chunk: Buffer): number;
  flush(): number;
  masked(): number;
}

function outputSink(agent: ServerChannel, stream: NodeJS.WritableStream, opts: RelayOptions): OutputSink {
  const recordDecoder = new TextDecoder('utf-8');
  let pendingBytes = 0;
  const emit = (text: string) => {
    if (agent.destroyed) return;
    stream.write(text);
    pendingBytes += Buffer.byteLength(text);
    opts.recorder?.output(text);
  };
  if (!opts.masker) {
    return {
      write: (chunk) => {
        if (!agent.destroyed) stream.write(chunk);
        opts.recorder?.output(recordDecoder.decode(chunk, { stream: true }));
        return chunk.length;
      },
      flush: () => 0,
      masked: () => 0,
    };
  }
  const masker = new StreamMasker(opts.masker, emit);
  const drain = () => {
    const n = pendingBytes;
    pendingBytes = 0;
    return n;
  };
  return {
    write: (chunk) => {
      masker.write(chunk);
      return drain();
    },
    flush: () => {
      masker.flush();
      return drain();
    },
    masked: () => masker.masked,
  };
}
