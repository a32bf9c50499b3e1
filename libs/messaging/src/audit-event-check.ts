import {
  auditEventSchema,
  auditEventTypes,
  channels,
  effects,
  principalKinds,
  recordingChunkSchema,
  type AuditEvent,
} from '@portcullis/contracts';
import { datetimeRegex } from 'zod';

// The same patterns zod applies for `z.string().uuid()` and `z.string().datetime()`.
const UUID = /^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$/i;
const DATETIME = datetimeRegex({ precision: null, offset: false, local: false });

const isString = (v: unknown): boolean => typeof v === 'string';
const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);
const isInt = (v: unknown): boolean => Number.isInteger(v);
const oneOf =
  (values: readonly string[]) =>
  (v: unknown): boolean =>
    typeof v === 'string' && values.includes(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const PRINCIPAL_FIELDS: Record<keyof NonNullable<AuditEvent['principal']>, (v: unknown) => boolean> = {
  id: isString,
  kind: oneOf(principalKinds),
  tenant: isStringOrNull,
  appId: isStringOrNull,
  groups: isStringArray,
};

/**
 * One check per field of the contract. Typed by the event's own keys, so a field added to
 * `auditEventSchema` does not compile here until it is checked; the spec beside this file holds the two
 * to the same verdicts. Recording chunks (rare, bulky, with limits of their own) go through zod.
 */
const FIELDS: Record<keyof AuditEvent, (v: unknown) => boolean> = {
  id: (v) => typeof v === 'string' && UUID.test(v),
  time: (v) => typeof v === 'string' && DATETIME.test(v),
  type: oneOf(auditEventTypes),
  source: isString,
  principal: (v) => strictObjectOk(v, PRINCIPAL_FIELDS, true),
  channel: oneOf(channels),
  connection: isString,
  sessionId: isString,
  traceId: isString,
  command: isString,
  fingerprint: isString,
  decision: oneOf(effects),
  ruleIds: isStringArray,
  approvalId: isString,
  outcome: isString,
  reason: isString,
  durationMs: (v) => typeof v === 'number' && !Number.isNaN(v),
  rows: isInt,
  bytes: isInt,
  masked: isInt,
  detail: isRecord,
  recording: (v) => recordingChunkSchema.safeParse(v).success,
};
const REQUIRED: ReadonlyArray<keyof AuditEvent> = ['id', 'time', 'type', 'source'];

function strictObjectOk(v: unknown, fields: Record<string, (v: unknown) => boolean>, allRequired: boolean): boolean {
  if (!isRecord(v)) return false;
  for (const key of Object.keys(v)) if (!Object.hasOwn(fields, key) || !fields[key](v[key])) return false;
  return !allRequired || Object.keys(fields).every((key) => Object.hasOwn(v, key));
}

/**
 * What is wrong with an audit event a service is about to publish, or undefined when `auditEventSchema`
 * accepts it. The publisher runs on every command of the data path, where a full zod parse of the
 * service's own, typed event cost more than serialising it; the audit service still parses every event
 * it receives with the schema itself.
 */
export function auditEventProblem(event: Record<string, unknown>): string | undefined {
  for (const key of REQUIRED) if (event[key] === undefined) return `${key}: required`;
  for (const key of Object.keys(event)) {
    if (!Object.hasOwn(FIELDS, key)) return `${key}: not an audit event field`;
    const value = event[key];
    if (value !== undefined && !FIELDS[key as keyof AuditEvent](value)) return `${key}: invalid`;
  }
  return undefined;
}

/** The schema's full error message for an event `auditEventProblem` refused (off the hot path). */
export function describeAuditEventProblem(event: unknown): string {
  const r = auditEventSchema.safeParse(event);
  return r.success ? 'invalid' : r.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
}
