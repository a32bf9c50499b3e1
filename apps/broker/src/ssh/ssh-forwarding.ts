import { performance } from 'node:perf_hooks';
import type { AcceptConnection, ClientChannel, RejectConnection, ServerChannel, TcpipRequestInfo } from 'ssh2';
import type { Abortable, SshChannelHost } from './ssh-deps';
import { openUpstreamForward, SshUpstreamError } from './ssh-upstream';

/**
 * An agent's local port forward (`ssh -L`, a `direct-tcpip` channel), decided as the action
 * `{kind: exec, mode: forward, command: "host:port"}` (default deny) and, when allowed, opened from the
 * target with the broker's own connection. SSH has no way to carry a message on a refused channel open,
 * so the agent sees "administratively prohibited"; the reason is in the audit trail.
 */
export class SshForward implements Abortable {
  private agent?: ServerChannel;
  private target?: ClientChannel;

  constructor(private readonly host: SshChannelHost) {}

  async open(accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: TcpipRequestInfo): Promise<void> {
    const { session, deps } = this.host;
    const text = `${info.destIP}:${info.destPort}`;
    const verdict = await deps.pipeline.authorize(session, { kind: 'exec', mode: 'forward', command: text }, text);
    if (verdict.verdict === 'refuse') return reject();
    const started = performance.now();
    const fail = (error: string) => {
      reject();
      deps.audit.executed(session, { command: text, outcome: 'error', durationMs: performance.now() - started, error });
    };
    // Forwarded bytes are opaque to the broker: a decision that masks output cannot be honoured.
    if (deps.maskers.forDecision(verdict.decision)) return fail('the policy masks output, which a forward cannot be');
    let target: ClientChannel;
    try {
      target = await openUpstreamForward(
        this.host.upstream(),
        { ip: info.srcIP, port: info.srcPort },
        info.destIP,
        info.destPort,
      );
    } catch (err) {
      return fail(err instanceof SshUpstreamError ? err.message : 'internal error');
    }
    const agent = accept();
    this.agent = agent;
    this.target = target;
    const untrack = this.host.track(this);
    let bytes = 0;
    target.on('data', (d: Buffer) => (bytes += d.length));
    agent.on('error', () => undefined);
    target.on('error', () => undefined);
    agent.pipe(target).pipe(agent);
    await new Promise<void>((resolve) => {
      agent.once('close', resolve);
      target.once('close', resolve);
    });
    agent.destroy();
    target.close();
    untrack();
    deps.audit.executed(session, {
      command: text,
      outcome: 'ok',
      durationMs: performance.now() - started,
      bytes,
      ...(verdict.approvalId ? { approvalId: verdict.approvalId } : {}),
      ...(verdict.traceId ? { traceId: verdict.traceId } : {}),
    });
  }

  abort(): void {
    this.agent?.destroy();
    this.target?.close();
  }
}
