/**
 * Which client startup parameters reach the upstream. Every other parameter would be applied by the
 * server as a setting at login, out of the policy's sight: `options=-c standard_conforming_strings=off`
 * or a multibyte `client_encoding` would make the server read later SQL differently from the parser that
 * decides on it. Those are refused; unknown ones are dropped with a notice.
 */
const FORWARDED = new Set(['application_name', 'DateStyle', 'TimeZone', 'IntervalStyle', 'extra_float_digits']);
const UTF8_NAMES = new Set(['utf8', 'utf-8', 'unicode']);

export interface VettedParams {
  forward: Record<string, string>;
  ignored: string[];
  /** Set when the client asked for something the gateway refuses outright. */
  refusal?: string;
  /** Protocol extension options (_pq_.*) the client offered; the broker accepts none. */
  protocolOptions: string[];
}

export function vetStartupParams(params: Record<string, string>): VettedParams {
  const out: VettedParams = { forward: {}, ignored: [], protocolOptions: [] };
  for (const [key, value] of Object.entries(params)) {
    if (key === 'user' || key === 'database') continue;
    if (key.startsWith('_pq_.')) out.protocolOptions.push(key);
    else if (key === 'options' && value.trim() !== '') {
      out.refusal = 'startup options (-c settings) are not allowed through the gateway';
    } else if (key === 'replication' && value !== 'false' && value !== '0' && value !== 'off') {
      out.refusal = 'replication connections are not allowed through the gateway';
    } else if (key === 'client_encoding') {
      if (!UTF8_NAMES.has(value.toLowerCase().replace(/['"]/g, '')))
        out.refusal = `client_encoding ${value} is not allowed: use UTF8`;
      else out.forward.client_encoding = 'UTF8';
    } else if (key === 'fallback_application_name') {
      out.forward.application_name ??= value;
    } else if (FORWARDED.has(key)) out.forward[key] = value;
    else if (key !== 'options' && key !== 'replication') out.ignored.push(key);
  }
  return out;
}
