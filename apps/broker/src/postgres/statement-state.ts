import type { Decision } from '@portcullis/contracts';
import type { FieldDescription } from '@portcullis/pg-wire';
import type { RowShape } from './row-masking';

/** A prepared statement the client made, with the decision taken when it was parsed. */
export interface PreparedStatement {
  sql: string;
  decision: Decision;
  approvalId?: string;
  traceId?: string;
  fields?: FieldDescription[];
}

export interface Portal {
  statement: string;
  resultFormats: number[];
  shape?: RowShape;
}

/**
 * What the broker waits for from the upstream, one entry per forwarded message that the server answers,
 * in order. It is how an ErrorResponse, a RowDescription or a DataRow is tied to the statement it
 * belongs to (for masking and the audit record), and how the substitute error for a refused command is
 * put exactly where the refused message's answer belongs.
 */
export type Expectation =
  | {
      t: 'Q';
      sql: string;
      decision?: Decision;
      approvalId?: string;
      traceId?: string;
      started: bigint;
      rows: number;
      masked: number;
      bytes: number;
      shape?: RowShape;
      error?: string;
      injected: boolean;
    }
  | { t: 'P'; injected: boolean }
  | { t: 'B' }
  | { t: 'D'; kind: 'S' | 'P'; name: string }
  | {
      t: 'E';
      portal: string;
      sql: string;
      decision?: Decision;
      approvalId?: string;
      traceId?: string;
      started: bigint;
      rows: number;
      masked: number;
      bytes: number;
      shape?: RowShape;
    }
  | { t: 'C' }
  | { t: 'S' };

export const elapsedMs = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e6;
