import { performance } from 'node:perf_hooks';
import type { Action } from '@portcullis/contracts';
import type { ClientChannel, PseudoTtyInfo, ServerChannel, Session } from 'ssh2';
import type { CommandVerdict } from '../pipeline/command-pipeline.service';
import { LineGuard } from '../recording/line-guard';
import type { Abortable, SshChannelHost } from './ssh-deps';
import type { TerminalRecorder } from '../recording/terminal-recorder';
import { ScriptGuard } from '../recording/script-guard';
import { relayChannel, type InputGuard, type RelayResult } from './ssh-relay';
import { openUpstreamChannel, SshUpstreamError, type TerminalRequest, type UpstreamRequest } from './ssh-upstream';

type Forwarded = Extract<CommandVerdict, { verdict: 'forward' }>;

/**
 * One `session` channel of an agent's SSH connection. Its first real request is decided as an action of
 * its own: `exec` per command (the policy classifies the command line), `shell` and subsystems (`sftp`)
 * as their own modes. A refusal is written to the channel's stderr as `portcullis: …` with exit status 1.
 * Only what was allowed is opened on the target; pty size and window changes follow it there. X11 and
 * agent forwarding and environment variables are refused: each would let the agent change what runs
 * beyond the command the policy saw.
 */
export class SshSessionChannel implements Abortable {
  private pty?: TerminalRequest;
  private agent?: ServerChannel;
  private target?: ClientChannel;
  private guard?: InputGuard & { close(): void };
  private aborted = false;

  constructor(
    session: Session,
    private readonly host: SshChannelHost,
  ) {
    session.on('pty', (accept, _reject, info) => {
      this.pty = terminalOf(info);
      accept?.();
    });
    session.on('window-change', (accept, _reject, info) => {
      if (this.pty)
        Object.assign(this.pty, { rows: info.rows, cols: info.cols, height: info.height, width: info.width });
      this.target?.setWindow(info.rows, info.cols, info.height, info.width);
      accept?.();
    });
    session.on('env', (_accept, reject) => reject?.());
    session.on('x11', (_accept, reject) => reject?.());
    session.on('auth-agent', (_accept, reject) => reject?.());
    session.on('signal', (accept, _reject, info) => {
      this.target?.signal(info.name);
      accept?.();
    });
    session.on('exec', (accept, _reject, info) =>
      this.start(accept(), { kind: 'exec', command: info.command, mode: 'exec' }, info.command, {
        kind: 'exec',
        command: info.command,
        ...(this.pty ? { pty: this.pty } : {}),
      }),
    );
    session.on('shell', (accept) =>
      this.start(accept(), { kind: 'exec', mode: 'shell' }, 'shell', {
        kind: 'shell',
        ...(this.pty ? { pty: this.pty } : {}),
      }),
    );
    session.on('subsystem', (accept, _reject, info) =>
      this.start(accept(), { kind: 'exec', mode: 'subsystem', command: info.name }, `subsystem ${info.name}`, {
        kind: 'subsystem',
        name: info.name,
      }),
    );
  }

  /** The session is being cut: say why on stderr, stop the target side, close. */
  abort(message: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.guard?.close();
    const agent = this.agent;
    if (agent && !agent.writableEnded) {
      agent.stderr.write(`\r\nportcullis: ${message}\r\n`);
      if (!this.target) {
        agent.exit(255);
        agent.end();
      }
    }
    this.target?.close();
  }

  private start(agent: ServerChannel | undefined, action: Action, text: string, req: UpstreamRequest): void {
    if (!agent) return;
    this.agent = agent;
    // Input waits (and back-pressures the client) until the command is allowed and open on the target.
    agent.pause();
    agent.on('error', () => undefined);
    const untrack = this.host.track(this);
    this.run(agent, action, text, req)
      .catch(() => this.refuse(agent, 'internal error'))
      .finally(untrack);
  }

  private async run(agent: ServerChannel, action: Action, text: string, req: UpstreamRequest): Promise<void> {
    const { session, deps } = this.host;
    const verdict = await deps.pipeline.authorize(session, action, text);
    if (this.aborted || agent.destroyed) return;
    if (verdict.verdict === 'refuse') return this.refuse(agent, verdict.message);
    const started = performance.now();
    const masker = deps.maskers.forDecision(verdict.decision)?.masker;
    // Subsystems speak binary protocols that masking would corrupt: a masked decision cannot be honoured.
    if (masker && req.kind === 'subsystem')
      return this.fail(agent, verdict, text, started, 'the policy masks output, which a subsystem cannot be');
    let target: ClientChannel;
    try {
      target = await openUpstreamChannel(this.host.upstream(), req);
    } catch (err) {
      const why = err instanceof SshUpstreamError ? err.message : 'internal error';
      return this.fail(agent, verdict, text, started, `cannot run it on the target: ${why}`);
    }
    if (this.aborted) return void target.close();
    this.target = target;
    // The command line itself can carry what the policy masks (`echo <card number>`).
    const label = masker ? masker.maskText(text).value : text;
    const recorder = req.kind === 'subsystem' ? undefined : this.host.recorder(this.pty, label);
    recorder?.marker(label);
    if (req.kind === 'shell') this.guard = this.guardFor(agent, target, recorder);
    agent.resume();
    const result = await relayChannel(agent, target, {
      ...(masker ? { masker } : {}),
      ...(recorder ? { recorder } : {}),
      ...(this.guard ? { input: this.guard } : {}),
    });
    this.guard?.close();
    deps.audit.executed(session, executionOf(text, verdict, started, result));
  }

  /**
   * Lines typed into a shell are screened against deny rules: keystroke by keystroke with a terminal
   * (the Enter is held), whole lines without one (nothing there could cancel a line already sent).
   */
  private guardFor(
    agent: ServerChannel,
    target: ClientChannel,
    recorder?: TerminalRecorder,
  ): InputGuard & { close(): void } {
    const screen = (line: string) => this.host.deps.pipeline.screen(this.host.session, line);
    const forward = (data: Buffer) => void target.write(data);
    const notify = (message: string) => {
      agent.stderr.write(this.pty ? `\r\n${message}\r\n` : `${message}\n`);
      recorder?.marker(message);
    };
    if (!this.pty) return new ScriptGuard(screen, forward, notify);
    const guard = new LineGuard(screen, forward, notify);
    return { write: (d) => guard.write(d), end: (then) => then(), close: () => guard.close() };
  }

  private refuse(agent: ServerChannel, message: string): void {
    if (agent.writableEnded) return;
    agent.stderr.write(`portcullis: ${message}${this.pty ? '\r\n' : '\n'}`);
    agent.exit(1);
    agent.end();
  }

  private fail(agent: ServerChannel, verdict: Forwarded, text: string, started: number, message: string): void {
    this.refuse(agent, message);
    this.host.deps.audit.executed(this.host.session, {
      command: text,
      outcome: 'error',
      durationMs: performance.now() - started,
      error: message,
      ...ids(verdict),
    });
  }
}

function terminalOf(info: PseudoTtyInfo): TerminalRequest {
  return {
    term: info.term || 'vt100',
    rows: info.rows,
    cols: info.cols,
    height: info.height,
    width: info.width,
    modes: info.modes as TerminalRequest['modes'],
  };
}

function ids(v: Forwarded): { approvalId?: string; traceId?: string } {
  return { ...(v.approvalId ? { approvalId: v.approvalId } : {}), ...(v.traceId ? { traceId: v.traceId } : {}) };
}

function executionOf(command: string, verdict: Forwarded, started: number, r: RelayResult) {
  const end = r.end;
  const error =
    end.how === 'exit'
      ? end.code === 0
        ? undefined
        : `exit status ${end.code}`
      : end.how === 'signal'
        ? `killed by signal ${end.signal}`
        : `closed by the ${end.by} without an exit status`;
  return {
    command,
    outcome:
      end.how === 'closed' && end.by === 'agent'
        ? ('cancelled' as const)
        : error
          ? ('error' as const)
          : ('ok' as const),
    durationMs: performance.now() - started,
    bytes: r.bytes,
    ...(r.masked ? { masked: r.masked } : {}),
    ...(error ? { error } : {}),
    ...ids(verdict),
  };
}
