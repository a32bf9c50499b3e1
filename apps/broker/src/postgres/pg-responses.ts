import type { Socket } from 'node:net';
import type { Masker } from '@portcullis/masking';
import {
  BackendType,
  commandTagRows,
  decodeCommandComplete,
  decodeErrorFields,
  decodeParameterStatus,
  decodeReadyForQuery,
  decodeRowDescription,
  encodeBackendCopyData,
  encodeErrorResponse,
  encodeNoticeResponse,
  SqlState,
  type FieldDescription,
  type Frame,
} from '@portcullis/pg-wire';
import type { Decision } from '@portcullis/contracts';
import type { CommandAudit } from '../pipeline/command-audit.service';
import type { LiveSession } from '../sessions/session';
import type { Upstream } from './pg-upstream';
import { maskDataRow, type RowShape } from './row-masking';
import { elapsedMs, type Expectation, type Portal, type PreparedStatement } from './statement-state';

export interface ResponseContext {
  session: LiveSession;
  audit: CommandAudit;
  maskerFor(decision: Decision | undefined): { masker: Masker; columnRule(column: string | null): boolean } | undefined;
  resolveColumns(fields: FieldDescription[]): Promise<Array<string | null>>;
  onUpstreamFailure(message: string): void;
  statements: Map<string, PreparedStatement>;
  portals: Map<string, Portal>;
  expectations: Expectation[];
  denials: string[];
  nonce: string;
}

type Running = Extract<Expectation, { t: 'Q' | 'E' }>;

/**
 * The server half: answers flow back in order, each tied to the message it answers. Rows are masked
 * when the statement's decision asks for it; the error of a substituted (refused) statement becomes the
 * refusal; the outcome of every statement goes to the audit trail.
 */
export class PgResponses {
  private busy = false;
  private stopped = false;
  private out: Buffer[] = [];
  private noticeSent = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Upstream,
    private readonly ctx: ResponseContext,
  ) {}

  start(): void {
    this.upstream.socket.on('data', (d: Buffer) => {
      this.upstream.reader.push(d);
      void this.pump();
    });
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
  }

  private async pump(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    this.upstream.socket.pause();
    try {
      for (;;) {
        const f = this.upstream.reader.read();
        if (!f) break;
        await this.handle(f);
      }
      this.flush();
    } catch (err) {
      this.ctx.onUpstreamFailure(`the database sent a message the gateway cannot read (${(err as Error).message})`);
      return;
    } finally {
      this.busy = false;
    }
    if (!this.stopped) this.upstream.socket.resume();
  }

  private flush(): void {
    if (this.out.length === 0) return;
    const chunk = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    if (!this.client.write(chunk)) {
      this.upstream.socket.pause();
      this.client.once('drain', () => {
        if (!this.busy && !this.stopped) this.upstream.socket.resume();
      });
    }
  }

  private head(): Expectation | undefined {
    return this.ctx.expectations[0];
  }

  private async handle(f: Frame): Promise<void> {
    const h = this.head();
    if (!(await this.transform(f, h))) {
      this.track(f, h);
      this.out.push(f.raw);
    }
  }

  /** Messages the broker may rewrite or withhold; true when it has written (or dropped) them itself. */
  private async transform(f: Frame, h: Expectation | undefined): Promise<boolean> {
    switch (f.type) {
      case BackendType.RowDescription:
        await this.onRowDescription(f, h);
        return true;
      case BackendType.DataRow:
        if (h?.t !== 'Q' && h?.t !== 'E') return false;
        this.onDataRow(f, h);
        return true;
      case BackendType.CopyData:
        if ((h?.t !== 'Q' && h?.t !== 'E') || !h.decision?.masking?.length) return false;
        this.onCopyOut(f, h);
        return true;
      case BackendType.ErrorResponse:
        this.onError(f, h);
        return true;
      case BackendType.ParameterStatus:
        return !this.settingAllowed(f);
      default:
        return false;
    }
  }

  /** Messages passed on unchanged that complete what the head expectation waits for. */
  private track(f: Frame, h: Expectation | undefined): void {
    switch (f.type) {
      case BackendType.ParseComplete:
      case BackendType.BindComplete:
      case BackendType.CloseComplete:
        this.ctx.expectations.shift();
        break;
      case BackendType.NoData:
        if (h?.t === 'D') this.ctx.expectations.shift();
        break;
      case BackendType.CommandComplete:
      case BackendType.EmptyQueryResponse:
      case BackendType.PortalSuspended:
        this.onComplete(f, h);
        break;
      case BackendType.ReadyForQuery:
        this.onReady(f, h);
        break;
      default:
        break;
    }
  }

  private async onRowDescription(f: Frame, h: Expectation | undefined): Promise<void> {
    const fields = decodeRowDescription(f.body);
    if (h?.t === 'D') {
      this.ctx.expectations.shift();
      if (h.kind === 'S') {
        const stmt = this.ctx.statements.get(h.name);
        if (stmt) stmt.fields = fields;
      } else {
        const portal = this.ctx.portals.get(h.name);
        const stmt = portal ? this.ctx.statements.get(portal.statement) : undefined;
        if (portal && stmt?.decision.masking?.length) portal.shape = await this.shapeOf(fields);
      }
    } else if ((h?.t === 'Q' || h?.t === 'E') && h.decision?.masking?.length) {
      h.shape = await this.shapeOf(fields);
    }
    this.out.push(f.raw);
  }

  private async shapeOf(fields: FieldDescription[]): Promise<RowShape> {
    try {
      return { fields, columns: await this.ctx.resolveColumns(fields) };
    } catch {
      // Unknown columns still get every content detector; only column rules need the names.
      return { fields, columns: fields.map(() => null) };
    }
  }

  private onDataRow(f: Frame, h: Running): void {
    h.rows++;
    h.bytes += f.raw.length;
    const m = this.ctx.maskerFor(h.decision);
    if (!m) {
      this.out.push(f.raw);
      return;
    }
    const shape = h.shape ?? this.shapeFromPortal(h);
    const res = maskDataRow(f.raw, shape, m.masker, m.columnRule);
    if (!res) {
      this.out.push(f.raw);
      return;
    }
    h.masked += res.masked;
    if (res.nulledBinary && !this.noticeSent) {
      this.noticeSent = true;
      this.out.push(
        encodeNoticeResponse({
          severity: 'NOTICE',
          code: '01000',
          message:
            'portcullis: masked binary-format values were replaced by NULL; request text format to see masked values',
        }),
      );
    }
    this.out.push(res.frame);
  }

  private shapeFromPortal(h: Running): RowShape | undefined {
    if (h.t !== 'E') return undefined;
    return this.ctx.portals.get(h.portal)?.shape;
  }

  private onCopyOut(f: Frame, h: Running): void {
    const m = this.ctx.maskerFor(h.decision);
    const text = f.body.toString('utf8');
    const r = m ? m.masker.maskText(text) : { value: text, masked: 0 };
    h.bytes += f.raw.length;
    if (r.masked === 0) {
      this.out.push(f.raw);
      return;
    }
    h.masked += r.masked;
    this.out.push(encodeBackendCopyData(Buffer.from(r.value, 'utf8')));
  }

  private onComplete(f: Frame, h: Expectation | undefined): void {
    if (h?.t === 'Q') {
      if (f.type === BackendType.CommandComplete) h.rows = commandTagRows(decodeCommandComplete(f.body)) ?? h.rows;
      return;
    }
    if (h?.t === 'E') {
      this.ctx.expectations.shift();
      const rows =
        f.type === BackendType.CommandComplete ? (commandTagRows(decodeCommandComplete(f.body)) ?? h.rows) : h.rows;
      this.record(h, 'ok', rows);
    }
  }

  private onError(f: Frame, h: Expectation | undefined): void {
    const fields = decodeErrorFields(f.body);
    const substituted = fields.message.includes(this.ctx.nonce);
    if (substituted) {
      const message = this.ctx.denials.shift() ?? 'denied';
      this.out.push(
        encodeErrorResponse({
          severity: 'ERROR',
          code: SqlState.InsufficientPrivilege,
          message: `portcullis: ${message}`,
        }),
      );
    } else {
      this.out.push(f.raw);
    }
    if (h?.t === 'Q') {
      if (!substituted) h.error = `${fields.code}: ${fields.message}`;
      return;
    }
    if (h?.t === 'E' && !substituted) this.record(h, 'error', h.rows, `${fields.code}: ${fields.message}`);
    // The server now skips every extended-protocol message up to Sync: so do our expectations.
    while (this.ctx.expectations.length > 0 && this.head()?.t !== 'S') this.ctx.expectations.shift();
  }

  /**
   * The parser that decides on statements reads SQL as UTF-8 with standard conforming strings. If the
   * server is told otherwise (by any route the policy missed), later statements could mean something
   * else to it than to us: the session ends rather than continue on a different reading.
   */
  private settingAllowed(f: Frame): boolean {
    const p = decodeParameterStatus(f.body);
    const bad =
      (p.name === 'client_encoding' && p.value.toUpperCase() !== 'UTF8') ||
      (p.name === 'standard_conforming_strings' && p.value !== 'on');
    if (!bad) return true;
    this.ctx.onUpstreamFailure(`the session changed ${p.name} to ${p.value}, which the gateway does not allow`);
    return false;
  }

  private onReady(f: Frame, h: Expectation | undefined): void {
    this.upstream.status = decodeReadyForQuery(f.body);
    if (h?.t === 'S') this.ctx.expectations.shift();
    else if (h?.t === 'Q') {
      this.ctx.expectations.shift();
      if (!h.injected) this.record(h, h.error ? 'error' : 'ok', h.rows, h.error);
    }
  }

  private record(h: Running, outcome: 'ok' | 'error', rows: number, error?: string): void {
    this.ctx.audit.executed(this.ctx.session, {
      command: h.sql,
      ...(h.decision ? { fingerprint: h.decision.commandFingerprint } : {}),
      outcome,
      durationMs: elapsedMs(h.started),
      rows,
      bytes: h.bytes,
      masked: h.masked,
      ...(h.approvalId ? { approvalId: h.approvalId } : {}),
      ...(h.traceId ? { traceId: h.traceId } : {}),
      ...(error ? { error } : {}),
    });
  }
}
