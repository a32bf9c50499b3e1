import { Injectable } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { CommandAudit } from '../pipeline/command-audit.service';
import { CommandPipeline } from '../pipeline/command-pipeline.service';
import { MaskerCache } from '../pipeline/masker-cache';
import { openUpstream, UpstreamError } from '../postgres/pg-upstream';
import { PostgresFrontEnd } from '../postgres/postgres-front-end.service';
import { CallSession } from '../sessions/call-session';
import { toolRefusal, type ToolRefusal } from './tool-result';
import { runUpstreamQuery } from './upstream-query';

const MAX_ROWS = 1000;

export type SqlToolResult =
  | {
      status: 'ok';
      columns: string[];
      rows: Array<Array<string | null>>;
      command: string;
      masked: number;
      truncated: boolean;
    }
  | ToolRefusal
  | { status: 'error'; message: string };

/**
 * `sql_query` for MCP clients: the same decision, approval, masking and audit path as a psql session
 * (connect decision, per-statement decision with write-ahead audit, the broker's own upstream login),
 * returning rows as JSON instead of wire messages.
 */
@Injectable()
export class McpSql {
  constructor(
    private readonly pipeline: CommandPipeline,
    private readonly audit: CommandAudit,
    private readonly postgres: PostgresFrontEnd,
    private readonly maskers: MaskerCache,
    private readonly connections: ConnectionRegistry,
  ) {}

  async query(principal: Principal, connectionName: string, sql: string): Promise<SqlToolResult> {
    const connection = this.connections.find(connectionName);
    if (!connection || connection.ref.type !== 'postgres')
      return { status: 'error', message: `no database connection named "${connectionName}"` };
    const session = new CallSession(principal, connection, 'mcp');
    const connect = await this.pipeline.authorize(session, { kind: 'connect' }, `connect ${connectionName}`);
    if (connect.verdict !== 'forward') return toolRefusal(connect);
    const v = await this.pipeline.authorize(session, { kind: 'sql', sql }, sql);
    if (v.verdict !== 'forward') return toolRefusal(v);
    const started = process.hrtime.bigint();
    const { target, credentials } = this.postgres.targetOf(connection);
    try {
      const upstream = await openUpstream(target, credentials, { application_name: 'portcullis-mcp' });
      const result = await runUpstreamQuery(upstream, sql, MAX_ROWS);
      const m = this.maskers.forDecision(v.decision);
      let masked = 0;
      if (m && result.fields.length > 0) {
        const columns = await this.postgres
          .catalogFor(connection)
          .resolve(result.fields)
          .catch(() => result.fields.map(() => null));
        for (const row of result.rows) {
          row.forEach((value, i) => {
            if (value === null) return;
            const r = m.masker.maskCell(value, columns[i] ?? null);
            masked += r.masked;
            row[i] = r.value;
          });
        }
      }
      this.executed(session, sql, v, started, 'ok', result.rows.length, masked);
      return {
        status: 'ok',
        columns: result.fields.map((f) => f.name),
        rows: result.rows,
        command: result.tag,
        masked,
        truncated: result.truncated,
      };
    } catch (err) {
      const message = err instanceof UpstreamError ? err.message : (err as Error).message;
      this.executed(session, sql, v, started, 'error', 0, 0, message);
      return { status: 'error', message };
    }
  }

  private executed(
    session: CallSession,
    sql: string,
    v: Extract<Awaited<ReturnType<CommandPipeline['authorize']>>, { verdict: 'forward' }>,
    started: bigint,
    outcome: 'ok' | 'error',
    rows: number,
    masked: number,
    error?: string,
  ): void {
    this.audit.executed(session, {
      command: sql,
      fingerprint: v.decision.commandFingerprint,
      outcome,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      rows,
      masked,
      ...(v.approvalId ? { approvalId: v.approvalId } : {}),
      ...(v.traceId ? { traceId: v.traceId } : {}),
      ...(error ? { error } : {}),
    });
  }
}
