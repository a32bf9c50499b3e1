import { decodeDataRow, encodeDataRow, type FieldDescription } from '@portcullis/pg-wire';
import type { Masker } from '@portcullis/masking';

/** Types whose binary wire format is their text: detectors and column rules can read them either way. */
const TEXTLIKE_BINARY = new Set([25, 1043, 1042, 19, 114, 142]);
const JSONB = 3802;

export interface RowShape {
  fields: FieldDescription[];
  /** schema.table.column per field, or null for expressions, aliases of expressions, unknown tables. */
  columns: Array<string | null>;
}

export interface MaskedRow {
  frame: Buffer;
  masked: number;
  /** A binary value the broker could not read was replaced by NULL. */
  nulledBinary: boolean;
}

/**
 * Re-frames one DataRow with masked values. Text-format values (and binary values of text-like types)
 * go through the masker: column rules by their resolved name, content detectors on every value, so
 * `SELECT ssn AS name`, `row_to_json(u)` and `ssn || ''` are masked too. A binary value of another type
 * cannot be inspected: it is replaced by NULL when a column rule names its column, and left as is
 * otherwise (numbers and timestamps carry no emails or card numbers in binary form).
 */
export function maskDataRow(
  frame: Buffer,
  shape: RowShape | undefined,
  masker: Masker,
  columnRuleFor: (column: string | null) => boolean,
): MaskedRow | undefined {
  const values = decodeDataRow(frame.subarray(5));
  let masked = 0;
  let nulledBinary = false;
  let changed = false;
  const out = values.map((v, i) => {
    if (v === null) return v;
    const field = shape?.fields[i];
    const column = shape?.columns[i] ?? null;
    const binary = field?.format === 1;
    if (binary && field && !TEXTLIKE_BINARY.has(field.typeOid) && field.typeOid !== JSONB) {
      if (!columnRuleFor(column)) return v;
      nulledBinary = true;
      changed = true;
      masked++;
      return null;
    }
    const prefix = binary && field?.typeOid === JSONB ? v.subarray(0, 1) : undefined;
    const text = (prefix ? v.subarray(1) : v).toString('utf8');
    const r = masker.maskCell(text, column);
    if (r.masked === 0) return v;
    changed = true;
    masked += r.masked;
    const body = Buffer.from(r.value, 'utf8');
    return prefix ? Buffer.concat([prefix, body]) : body;
  });
  if (!changed) return undefined;
  return { frame: encodeDataRow(out), masked, nulledBinary };
}
