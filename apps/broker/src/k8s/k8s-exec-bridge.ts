import { StringDecoder } from 'node:string_decoder';
import { StreamMasker } from '@portcullis/masking';
import type WebSocket from 'ws';
import type { TerminalRecorder } from '../recording/terminal-recorder';
import type { SessionEndReason } from '../sessions/session';
import type { Admission } from './k8s-admission';
import type { K8sCarrierDeps } from './k8s-carrier-deps';
import { ChannelCodec, CLOSE, ERROR, RESIZE, STDERR, STDIN, STDOUT } from './k8s-channels';
import type { StdinFilter, StdinScreening } from './k8s-stdin';
import { StreamLifecycle } from './k8s-stream-lifecycle';

type Admitted = Extract<Admission, { ok: true }>;

export type StdinFilterFactory = (
  a: Admitted,
  how: StdinScreening,
  forward: (data: Buffer) => void,
  notify: (message: string) => void,
) => StdinFilter | undefined;

/** Close codes a peer may not send (RFC 6455 §7.4.1): reported locally only. */
const RESERVED_CLOSE = new Set([1004, 1005, 1006, 1015]);

/**
 * One exec or attach stream, with the WebSocket ended in the broker on both sides: every frame is read by
 * channel, so stdout and stderr are masked per the decision and recorded (asciicast v2, as the agent saw
 * them), stdin of an interactive session goes through the line guard (a script piped to a shell through
 * the script guard), and the session can be ended from outside (suspension, expiry) with a Status on the
 * error channel that kubectl prints.
 */
export class ExecStreamBridge {
  private readonly codec: ChannelCodec;
  private readonly life: StreamLifecycle;
  private readonly recorder: TerminalRecorder;
  private readonly out = new Map<number, { write(d: Buffer): void; flush(): void }>();
  private readonly stdin: StdinFilter | undefined;
  private exit: string | undefined;
  private closed = false;

  constructor(
    private readonly deps: K8sCarrierDeps,
    private readonly a: Admitted,
    private readonly client: WebSocket,
    private readonly upstream: WebSocket,
    filters?: StdinFilterFactory,
  ) {
    this.codec = new ChannelCodec(client.protocol);
    const f = a.facts;
    const masking = deps.maskers.forDecision(a.verdict.decision);
    // The recording is stored as the agent saw the session: its title line is masked like its output.
    const argv = (f.command ?? []).join(' ');
    const command = masking ? masking.masker.maskText(argv).value : argv;
    this.life = new StreamLifecycle(deps, a, {
      kind: f.subresource ?? 'exec',
      namespace: f.namespace,
      pod: f.name,
      command: f.command,
      tty: f.tty,
      stdin: f.stdin,
      protocol: client.protocol,
    });
    this.recorder = deps.audit.recordTerminal(a.session, {
      width: 80,
      height: 24,
      ...(command ? { command: command.slice(0, 4096) } : {}),
      title: `${f.subresource ?? 'exec'} ${f.namespace ?? ''}/${f.name ?? ''}`.slice(0, 512),
    });
    for (const ch of [STDOUT, STDERR]) this.out.set(ch, this.outputChannel(ch));
    // A terminal is typed into line by line; piped stdin is screened only when a shell reads it as its program.
    const how = f.screenStdin;
    this.stdin = how
      ? filters?.(
          a,
          how,
          (d) => this.toUpstream(this.codec.encode(STDIN, d)),
          (message) =>
            how === 'terminal' ? this.toClient(STDOUT, `\r\n${message}\r\n`) : this.toClient(STDERR, `${message}\n`),
        )
      : undefined;
  }

  start(): void {
    this.a.session.onTerminate((reason, message) => this.end(reason, `portcullis: ${message}`));
    this.upstream.on('message', (data, isBinary) => this.fromUpstream(toBuffer(data), isBinary));
    this.client.on('message', (data) => this.fromClient(toBuffer(data)));
    this.upstream.on('close', (code, reason) => this.end('upstream_closed', undefined, code, reason.toString()));
    this.client.on('close', () => this.end('client_closed'));
    this.upstream.on('error', (err) =>
      this.end('upstream_closed', `portcullis: the cluster stream failed (${err.message})`),
    );
    // ws reports a malformed frame (bad opcode, oversized payload …) here and closes that connection only.
    this.client.on('error', () => this.end('protocol_error'));
  }

  private outputChannel(ch: number): { write(d: Buffer): void; flush(): void } {
    const emit = (text: string) => this.toClient(ch, text);
    const m = this.deps.maskers.forDecision(this.a.verdict.decision);
    if (m) return new StreamMasker(m.masker, emit);
    const decoder = new StringDecoder('utf8');
    return { write: (d) => emit(decoder.write(d)), flush: () => emit(decoder.end()) };
  }

  private fromUpstream(data: Buffer, isBinary: boolean): void {
    const frame = this.codec.decode(data);
    const sink = frame && this.out.get(frame.channel);
    if (frame && sink) return sink.write(frame.data);
    if (frame?.channel === ERROR) {
      // The exit status must not overtake output the maskers still hold.
      this.flushOutput();
      this.exit = frame.data.toString('utf8').slice(0, 2000);
    }
    this.life.bytesOut += data.length;
    if (this.client.readyState === this.client.OPEN) this.client.send(data, { binary: isBinary });
  }

  private fromClient(data: Buffer): void {
    const frame = this.codec.decode(data);
    if (!frame) return this.end('protocol_error', 'portcullis: malformed stream frame');
    this.life.bytesIn += data.length;
    if (frame.channel === STDIN) {
      this.recorder.input(frame.data.toString('utf8'));
      if (this.stdin) return this.stdin.write(frame.data);
    } else if (frame.channel === CLOSE && frame.data[0] === STDIN && this.stdin) {
      // v5's end of stdin must not overtake lines the guard still holds.
      return this.stdin.end(() => this.toUpstream(data));
    } else if (frame.channel === RESIZE) {
      this.recordResize(frame.data);
    }
    this.toUpstream(data);
  }

  private recordResize(data: Buffer): void {
    try {
      const size = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
      if (typeof size.Width === 'number' && typeof size.Height === 'number' && size.Width > 0 && size.Height > 0)
        this.recorder.resize(Math.min(size.Width, 10000), Math.min(size.Height, 10000));
    } catch {
      // A malformed resize is the cluster's to reject; the recording just keeps its size.
    }
  }

  private toClient(channel: number, text: string): void {
    if (text === '') return;
    this.recorder.output(text);
    const frame = this.codec.encode(channel, text);
    this.life.bytesOut += frame.length;
    if (this.client.readyState === this.client.OPEN) this.client.send(frame, { binary: !this.codec.base64 });
  }

  private toUpstream(frame: Buffer): void {
    if (this.upstream.readyState === this.upstream.OPEN) this.upstream.send(frame, { binary: !this.codec.base64 });
  }

  private flushOutput(): void {
    for (const sink of this.out.values()) sink.flush();
  }

  /** Ends both sides once: output still held is released, a refusal goes out on the error channel first. */
  private end(reason: SessionEndReason, failure?: string, code = 1000, why = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.stdin?.close();
    this.flushOutput();
    if (failure && this.client.readyState === this.client.OPEN) {
      this.recorder.marker(failure);
      this.client.send(this.codec.failure(failure, reason === 'protocol_error' ? 400 : 403), {
        binary: !this.codec.base64,
      });
    }
    const closeCode = RESERVED_CLOSE.has(code) ? 1000 : code;
    this.client.close(closeCode, why.slice(0, 120));
    this.upstream.close(closeCode, why.slice(0, 120));
    // A peer that never answers the close handshake is cut after a grace period.
    setTimeout(() => {
      this.client.terminate();
      this.upstream.terminate();
    }, 2000).unref();
    this.recorder.close();
    this.life.masked = [...this.out.values()].reduce((n, s) => n + ((s as { masked?: number }).masked ?? 0), 0);
    if (failure) this.life.error = failure;
    this.life.end(reason, this.exit ? { exit: this.exit } : {});
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
