import {
  BackendType,
  decodeCommandComplete,
  decodeDataRow,
  decodeErrorFields,
  decodeRowDescription,
  encodeQuery,
  encodeTerminate,
  type FieldDescription,
} from '@portcullis/pg-wire';
import type { Upstream } from '../postgres/pg-upstream';

export interface QueryResult {
  fields: FieldDescription[];
  rows: Array<Array<string | null>>;
  tag: string;
  truncated: boolean;
}

/**
 * Runs one simple-protocol query on an upstream session the broker opened (so the same login rules
 * apply as for native clients) and collects text rows, up to `maxRows`.
 */
export function runUpstreamQuery(up: Upstream, sql: string, maxRows: number, timeoutMs = 30000): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const result: QueryResult = { fields: [], rows: [], tag: '', truncated: false };
    let error: string | undefined;
    const timer = setTimeout(() => finish(new Error('the query took too long')), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      up.socket.off('data', onData);
      up.socket.off('close', onClose);
      up.socket.end(encodeTerminate());
      if (err) reject(err);
      else if (error) reject(new Error(error));
      else resolve(result);
    };
    const onClose = () => finish(new Error('the database closed the connection'));
    const onData = (d: Buffer) => {
      up.reader.push(d);
      for (let f = up.reader.read(); f; f = up.reader.read()) {
        switch (f.type) {
          case BackendType.RowDescription:
            result.fields = decodeRowDescription(f.body);
            break;
          case BackendType.DataRow:
            if (result.rows.length >= maxRows) result.truncated = true;
            else result.rows.push(decodeDataRow(f.body).map((v) => (v === null ? null : v.toString('utf8'))));
            break;
          case BackendType.CommandComplete:
            result.tag = decodeCommandComplete(f.body);
            break;
          case BackendType.ErrorResponse: {
            const e = decodeErrorFields(f.body);
            error = `${e.code}: ${e.message}`;
            break;
          }
          case BackendType.ReadyForQuery:
            return finish();
          default:
            break;
        }
      }
    };
    up.socket.on('data', onData);
    up.socket.on('close', onClose);
    up.socket.write(encodeQuery(sql));
  });
}
