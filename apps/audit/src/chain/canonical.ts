/**
 * The canonical serialisation that the chain hashes: JSON with object keys sorted by code unit, no
 * whitespace, `undefined` members dropped, numbers and strings as ECMAScript's JSON.stringify writes them
 * (the JSON Canonicalization Scheme, RFC 8785, for the values an audit event can hold). The stored row
 * keeps exactly this text, so verification rehashes the bytes as stored and never depends on how
 * PostgreSQL or a driver would re-render a JSON value.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('cannot canonicalise a non-finite number');
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value as Record<string, unknown>);
    default:
      throw new TypeError(`cannot canonicalise a ${typeof value}`);
  }
}

function canonicalArray(values: unknown[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    // As JSON.stringify does: an undefined element is written as null.
    out += values[i] === undefined ? 'null' : canonicalJson(values[i]);
  }
  return `${out}]`;
}

function canonicalObject(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}
