import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  decodeBind,
  decodeClose,
  decodeDescribe,
  decodeExecute,
  decodeParse,
  decodeQuery,
  encodeErrorResponse,
  encodeParse,
  encodeQuery,
  FrameError,
  FrontendType,
  SqlState,
  type Frame,
  type FrameReader,
} from '@portcullis/pg-wire';
import type { CommandPipeline, CommandVerdict } from '../pipeline/command-pipeline.service';
import type { LiveSession } from '../sessions/session';
import type { Upstream } from './pg-upstream';
import { PgResponses, type ResponseContext } from './pg-responses';
import type { Expectation, Portal, PreparedStatement } from './statement-state';

export interface RelayOptions {
  pipeline: CommandPipeline;
  responses: Omit<ResponseContext, 'statements' | 'portals' | 'expectations' | 'denials' | 'nonce'>;
  onFatal(code: string, message: string): void;
  onTerminate(): void;
}

/**
 * The client half of a Postgres session after login: every statement is decided before any byte of it
 * reaches the target. A refused statement is replaced, on the wire, by a statement that fails at once
 * (a random per-session token the server cannot parse); its error is swapped for the refusal. The server
 * thus keeps exactly the state a real permission error would leave (failed transaction, extended-protocol
 * messages discarded until Sync), and the refusal reaches the client in the right place among pipelined
 * answers. Client messages are handled strictly in order.
 */
export class PgRelay {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  private readonly expectations: Expectation[] = [];
  private readonly denials: string[] = [];
  private readonly nonce = `pcx_${randomBytes(16).toString('hex')}`;
  private readonly responses: PgResponses;
  private busy = false;
  private closed = false;

  constructor(
    private readonly client: Socket,
    private readonly clientReader: FrameReader,
    private readonly upstream: Upstream,
    private readonly session: LiveSession,
    private readonly opts: RelayOptions,
  ) {
    this.responses = new PgResponses(client, upstream, {
      ...opts.responses,
      statements: this.statements,
      portals: this.portals,
      expectations: this.expectations,
      denials: this.denials,
      nonce: this.nonce,
    });
  }

  start(): void {
    this.client.on('data', (d: Buffer) => {
      this.clientReader.push(d);
      void this.pump();
    });
    this.responses.start();
    void this.pump();
  }

  stop(): void {
    this.closed = true;
    this.responses.stop();
  }

  private async pump(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    this.client.pause();
    try {
      for (;;) {
        const frame = this.clientReader.read();
        if (!frame) break;
        await this.handle(frame);
        if (this.closed) return;
      }
    } catch (err) {
      if (err instanceof FrameError)
        this.opts.onFatal(SqlState.ProtocolViolation, `invalid message from the client: ${err.message}`);
      else this.opts.onFatal(SqlState.InternalError, 'the gateway failed to process the message');
      return;
    } finally {
      this.busy = false;
    }
    if (!this.closed) this.client.resume();
  }

  private async handle(f: Frame): Promise<void> {
    switch (f.type) {
      case FrontendType.Query:
        return this.onQuery(f);
      case FrontendType.Parse:
        return this.onParse(f);
      case FrontendType.Bind: {
        const m = decodeBind(f.body);
        this.portals.set(m.portal, { statement: m.statement, resultFormats: m.resultFormats });
        return this.forward(f, { t: 'B' });
      }
      case FrontendType.Describe: {
        const m = decodeDescribe(f.body);
        return this.forward(f, { t: 'D', kind: m.kind, name: m.name });
      }
      case FrontendType.Execute:
        return this.onExecute(f);
      case FrontendType.Close: {
        const m = decodeClose(f.body);
        (m.kind === 'S' ? this.statements : this.portals).delete(m.name);
        return this.forward(f, { t: 'C' });
      }
      case FrontendType.Sync:
        return this.forward(f, { t: 'S' });
      case FrontendType.Flush:
      case FrontendType.CopyData:
      case FrontendType.CopyDone:
      case FrontendType.CopyFail:
        return this.forward(f);
      case FrontendType.Terminate:
        // The server answers what came before and then closes; the session ends when it does.
        this.upstream.socket.write(f.raw);
        this.opts.onTerminate();
        return;
      case FrontendType.FunctionCall:
        // The fast-path function call protocol (psql's \lo_import) runs functions by OID, outside SQL.
        return this.refuse(
          { t: 'Q', sql: '', started: process.hrtime.bigint(), rows: 0, masked: 0, bytes: 0, injected: true },
          'the fast-path function call protocol is not allowed through the gateway',
        );
      default:
        this.opts.onFatal(
          SqlState.ProtocolViolation,
          `unexpected message type ${JSON.stringify(String.fromCharCode(f.type))} from the client`,
        );
    }
  }

  private async onQuery(f: Frame): Promise<void> {
    const sql = decodeQuery(f.body);
    const started = process.hrtime.bigint();
    if (sql.trim() === '')
      return this.forward(f, { t: 'Q', sql, started, rows: 0, masked: 0, bytes: 0, injected: false });
    const v = await this.decide(sql);
    const base = { t: 'Q' as const, sql, started, rows: 0, masked: 0, bytes: 0 };
    if (v.verdict === 'forward') {
      return this.forward(f, {
        ...base,
        decision: v.decision,
        injected: false,
        ...(v.approvalId ? { approvalId: v.approvalId } : {}),
        ...(v.traceId ? { traceId: v.traceId } : {}),
      });
    }
    return this.refuse({ ...base, injected: true }, v.message);
  }

  private async onParse(f: Frame): Promise<void> {
    const m = decodeParse(f.body);
    const v = await this.decide(m.query);
    if (v.verdict === 'forward') {
      this.statements.set(m.name, {
        sql: m.query,
        decision: v.decision,
        ...(v.approvalId ? { approvalId: v.approvalId } : {}),
        ...(v.traceId ? { traceId: v.traceId } : {}),
      });
      return this.forward(f, { t: 'P', injected: false });
    }
    // A refused statement must not exist upstream, under its name or as the unnamed one.
    this.statements.delete(m.name);
    this.denials.push(v.message);
    this.expectations.push({ t: 'P', injected: true });
    this.write(encodeParse('', this.nonce));
  }

  private async onExecute(f: Frame): Promise<void> {
    const m = decodeExecute(f.body);
    const portal = this.portals.get(m.portal);
    const stmt = portal ? this.statements.get(portal.statement) : undefined;
    return this.forward(f, {
      t: 'E',
      portal: m.portal,
      sql: stmt?.sql ?? '',
      started: process.hrtime.bigint(),
      rows: 0,
      masked: 0,
      bytes: 0,
      ...(stmt ? { decision: stmt.decision } : {}),
      ...(stmt?.approvalId ? { approvalId: stmt.approvalId } : {}),
      ...(stmt?.traceId ? { traceId: stmt.traceId } : {}),
      ...(portal?.shape ? { shape: portal.shape } : {}),
    });
  }

  private decide(sql: string): Promise<CommandVerdict> {
    return this.opts.pipeline.authorize(this.session, { kind: 'sql', sql }, sql);
  }

  private refuse(e: Extract<Expectation, { t: 'Q' }>, message: string): void {
    this.denials.push(message);
    this.expectations.push(e);
    this.write(encodeQuery(this.nonce));
  }

  private forward(f: Frame, e?: Expectation): void {
    if (e) this.expectations.push(e);
    this.write(f.raw);
  }

  private write(bytes: Buffer): void {
    if (!this.upstream.socket.write(bytes)) {
      this.client.pause();
      this.upstream.socket.once('drain', () => {
        if (!this.busy && !this.closed) this.client.resume();
      });
    }
  }

  /** The error a refused command gets, exactly as PostgreSQL reports a permission error. */
  static refusal(message: string): Buffer {
    return encodeErrorResponse({
      severity: 'ERROR',
      code: SqlState.InsufficientPrivilege,
      message: `portcullis: ${message}`,
    });
  }
}
