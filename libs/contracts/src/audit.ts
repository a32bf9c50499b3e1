import { z } from 'zod';
import { channelSchema, principalKinds } from './principal';
import { effects } from './policy';

/** The JetStream stream every service publishes audit events to, and its subject space. */
export const AUDIT_STREAM = 'PORTCULLIS_AUDIT';
export const AUDIT_SUBJECT_PREFIX = 'audit.v1';
/** The stream of a deployment whose subjects carry a namespace prefix ('' for none). */
export const auditStreamFor = (namespace: string): string =>
  namespace === '' ? AUDIT_STREAM : `${AUDIT_STREAM}_${namespace.replace(/-/g, '_').toUpperCase()}`;
export const auditSubjectFor = (type: AuditEventType): string => `${AUDIT_SUBJECT_PREFIX}.${type}`;

export const auditEventTypes = [
  'session.started',
  'session.ended',
  'command.decided',
  'command.executed',
  'approval.requested',
  'approval.decided',
  'identity.rejected',
  'identity.suspended',
  'identity.unsuspended',
  'policy.reloaded',
  'service.started',
  'session.recording',
] as const;
export type AuditEventType = (typeof auditEventTypes)[number];

// A principal as recorded: enough to answer "who", without the token or unverified claims.
const auditPrincipalSchema = z
  .object({
    id: z.string(),
    kind: z.enum(principalKinds),
    tenant: z.string().nullable(),
    appId: z.string().nullable(),
    groups: z.array(z.string()),
  })
  .strict();

/** A recording chunk is capped well below NATS's default 1 MiB payload, so a broker can never publish one the stream refuses. */
export const AUDIT_RECORDING_MAX_CHUNK_BYTES = 256 * 1024;

// asciicast v2: [seconds since the recording started, event code, data]; 'o' output, 'i' input, 'r' resize, 'm' marker.
const asciicastEventSchema = z.tuple([z.number().nonnegative(), z.enum(['o', 'i', 'r', 'm']), z.string()]);

/** The asciicast v2 header fields a broker knows when a terminal opens; sent with the chunk of seq 0. */
const asciicastHeaderSchema = z
  .object({
    width: z.number().int().positive().max(10000),
    height: z.number().int().positive().max(10000),
    timestamp: z.number().int().nonnegative().optional(),
    command: z.string().max(4096).optional(),
    title: z.string().max(512).optional(),
    env: z.record(z.string().max(256)).optional(),
  })
  .strict();

/** One statement of a SQL session as the agent saw it: result excerpts are masked before they are published. */
const sqlTranscriptEntrySchema = z
  .object({
    time: z.string().datetime(),
    statement: z.string().max(64 * 1024),
    decision: z.enum(effects).optional(),
    ruleIds: z.array(z.string()).optional(),
    approvalId: z.string().optional(),
    outcome: z.string().max(64).optional(),
    rows: z.number().int().nonnegative().optional(),
    columns: z.array(z.string()).max(1000).optional(),
    excerpt: z.array(z.array(z.unknown())).max(1000).optional(),
    masked: z.number().int().nonnegative().optional(),
    error: z.string().max(4096).optional(),
  })
  .strict();

const chunkBase = { sessionId: z.string().min(1).max(200), seq: z.number().int().nonnegative() };

/**
 * Part of a session recording, carried by a `session.recording` event. Chunks of one session are
 * numbered from 0; the audit service assembles them in seq order and stores each (session, kind, seq) once.
 */
export const recordingChunkSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        ...chunkBase,
        kind: z.literal('terminal'),
        header: asciicastHeaderSchema.optional(),
        data: z.array(asciicastEventSchema).max(10000),
      })
      .strict(),
    z.object({ ...chunkBase, kind: z.literal('sql'), data: z.array(sqlTranscriptEntrySchema).max(1000) }).strict(),
  ])
  .refine((c) => JSON.stringify(c.data).length <= AUDIT_RECORDING_MAX_CHUNK_BYTES, {
    message: `recording chunk data must serialise to at most ${AUDIT_RECORDING_MAX_CHUNK_BYTES} characters`,
    path: ['data'],
  });
export type RecordingChunk = z.infer<typeof recordingChunkSchema>;
export type RecordingKind = RecordingChunk['kind'];

export const auditEventSchema = z
  .object({
    id: z.string().uuid(),
    time: z.string().datetime(),
    type: z.enum(auditEventTypes),
    source: z.string(),
    principal: auditPrincipalSchema.optional(),
    channel: channelSchema.optional(),
    connection: z.string().optional(),
    sessionId: z.string().optional(),
    traceId: z.string().optional(),
    command: z.string().optional(),
    fingerprint: z.string().optional(),
    decision: z.enum(effects).optional(),
    ruleIds: z.array(z.string()).optional(),
    approvalId: z.string().optional(),
    outcome: z.string().optional(),
    reason: z.string().optional(),
    durationMs: z.number().optional(),
    rows: z.number().int().optional(),
    bytes: z.number().int().optional(),
    masked: z.number().int().optional(),
    detail: z.record(z.unknown()).optional(),
    /** Only on `session.recording` events (the audit service refuses one without it). */
    recording: recordingChunkSchema.optional(),
  })
  .strict();
export type AuditEvent = z.infer<typeof auditEventSchema>;
