import type { AuditEvent } from '@portcullis/contracts';

/** How much of a command the search index holds; the whole command stays in the chained body. */
export const INDEXED_COMMAND_CHARS = 8192;

/** The columns a stored event is filtered on, all derived from its body (verification re-derives them). */
export interface EventColumns {
  time: string;
  type: string;
  source: string;
  principal_id: string | null;
  principal_kind: string | null;
  tenant: string | null;
  groups: string[];
  channel: string | null;
  connection: string | null;
  session_id: string | null;
  trace_id: string | null;
  command: string | null;
  decision: string | null;
  rule_ids: string[];
  approval_id: string | null;
}

// NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL text cannot hold NUL and its JSON parser refuses lone surrogates; the body keeps the exact
 * value (escaped by the canonical JSON), the filter columns get a replacement character instead.
 */
export function columnText(s: string): string;
export function columnText(s: string | undefined | null): string | null;
export function columnText(s: string | undefined | null): string | null {
  if (s === undefined || s === null) return null;
  return s.replace(UNSTORABLE, '\uFFFD');
}

/**
 * Identifiers are clipped well under B-tree and GIN entry limits (about 2.7 kB), so a pathological value
 * cannot make a whole batch fail to insert; the body keeps it whole.
 */
export const INDEXED_ID_CHARS = 500;
const clip = (s: string): string => columnText(s.slice(0, INDEXED_ID_CHARS));
const id = (s: string | undefined | null): string | null => (s === undefined || s === null ? null : clip(s));

export function eventColumns(e: AuditEvent): EventColumns {
  return {
    time: e.time,
    type: e.type,
    source: clip(e.source),
    principal_id: id(e.principal?.id),
    principal_kind: e.principal?.kind ?? null,
    tenant: id(e.principal?.tenant),
    groups: (e.principal?.groups ?? []).map(clip),
    channel: e.channel ?? null,
    connection: id(e.connection),
    session_id: id(e.sessionId),
    trace_id: id(e.traceId),
    command: e.command === undefined ? null : columnText(e.command.slice(0, INDEXED_COMMAND_CHARS)),
    decision: e.decision ?? null,
    rule_ids: (e.ruleIds ?? []).map(clip),
    approval_id: id(e.approvalId),
  };
}
