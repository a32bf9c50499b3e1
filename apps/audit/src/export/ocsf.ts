import type { AuditEvent } from '@portcullis/contracts';

/**
 * Maps an audit event to an OCSF 1.1 event (docs/audit.md has the table). Commands on a database
 * become Datastore Activity, other commands API Activity, session starts and ends Authentication, and
 * what has no fitting class a Base Event; everything OCSF has no attribute for goes to `unmapped`.
 */
export const OCSF_VERSION = '1.1.0';

interface OcsfClass {
  uid: number;
  name: string;
  category: number;
  categoryName: string;
}

const CLASSES = {
  base: { uid: 0, name: 'Base Event', category: 0, categoryName: 'Uncategorized' },
  authentication: { uid: 3002, name: 'Authentication', category: 3, categoryName: 'Identity & Access Management' },
  accountChange: { uid: 3001, name: 'Account Change', category: 3, categoryName: 'Identity & Access Management' },
  appLifecycle: { uid: 6002, name: 'Application Lifecycle', category: 6, categoryName: 'Application Activity' },
  api: { uid: 6003, name: 'API Activity', category: 6, categoryName: 'Application Activity' },
  datastore: { uid: 6005, name: 'Datastore Activity', category: 6, categoryName: 'Application Activity' },
} satisfies Record<string, OcsfClass>;

type Activity = [id: number, name: string];
const OTHER: Activity = [99, 'Other'];

// Datastore Activity: 1 Read, 2 Update, 3 Connect, 4 Query, 5 Write, 6 Create, 7 Delete.
function sqlActivity(command: string | undefined): Activity {
  const verb = /^\s*(\w+)/.exec(command ?? '')?.[1]?.toUpperCase();
  switch (verb) {
    case 'SELECT':
    case 'WITH':
    case 'SHOW':
    case 'EXPLAIN':
    case 'TABLE':
      return [4, 'Query'];
    case 'INSERT':
    case 'COPY':
      return [5, 'Write'];
    case 'UPDATE':
    case 'ALTER':
      return [2, 'Update'];
    case 'DELETE':
    case 'DROP':
    case 'TRUNCATE':
      return [7, 'Delete'];
    case 'CREATE':
      return [6, 'Create'];
    default:
      return OTHER;
  }
}

// API Activity: 1 Create, 2 Read, 3 Update, 4 Delete, by the HTTP method a request starts with.
function apiActivity(command: string | undefined): Activity {
  const method = /^\s*([A-Za-z]+)\s/.exec(command ?? '')?.[1]?.toUpperCase();
  if (method === 'POST') return [1, 'Create'];
  if (method === 'GET' || method === 'HEAD' || method === 'LIST' || method === 'WATCH') return [2, 'Read'];
  if (method === 'PUT' || method === 'PATCH') return [3, 'Update'];
  if (method === 'DELETE') return [4, 'Delete'];
  return OTHER;
}

function classify(e: AuditEvent): { cls: OcsfClass; activity: Activity } {
  switch (e.type) {
    case 'session.started':
      return { cls: CLASSES.authentication, activity: [1, 'Logon'] };
    case 'session.ended':
      return { cls: CLASSES.authentication, activity: [2, 'Logoff'] };
    case 'identity.rejected':
      return { cls: CLASSES.authentication, activity: [1, 'Logon'] };
    case 'identity.suspended':
    case 'identity.unsuspended':
      return { cls: CLASSES.accountChange, activity: OTHER };
    case 'service.started':
      return { cls: CLASSES.appLifecycle, activity: [3, 'Start'] };
    case 'command.decided':
    case 'command.executed':
      return e.channel === 'postgres'
        ? { cls: CLASSES.datastore, activity: sqlActivity(e.command) }
        : { cls: CLASSES.api, activity: apiActivity(e.command) };
    default:
      return { cls: CLASSES.base, activity: OTHER };
  }
}

/** status_id: 1 Success, 2 Failure, 99 Other (held for approval), 0 Unknown. */
function status(e: AuditEvent): { id: number; name: string } {
  if (e.type === 'identity.rejected' || e.decision === 'deny') return { id: 2, name: 'Failure' };
  if (e.decision === 'approval') return { id: 99, name: 'Approval required' };
  if (e.decision === 'allow' || e.type.startsWith('session.') || e.type === 'service.started') {
    return { id: 1, name: 'Success' };
  }
  if (e.outcome === 'error' || e.outcome === 'failed') return { id: 2, name: 'Failure' };
  return { id: 0, name: 'Unknown' };
}

export interface ChainPosition {
  seq: number;
  hash: string;
}

export function toOcsf(e: AuditEvent, chain: ChainPosition): Record<string, unknown> {
  const { cls, activity } = classify(e);
  const st = status(e);
  const denied = st.id === 2;
  const user = e.principal && {
    uid: e.principal.id,
    type_id: e.principal.kind === 'human' ? 1 : 99,
    type: e.principal.kind === 'human' ? 'User' : 'Agent',
    groups: e.principal.groups.map((uid) => ({ uid })),
    org: e.principal.tenant === null ? undefined : { uid: e.principal.tenant },
  };
  const out: Record<string, unknown> = {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.category,
    category_name: cls.categoryName,
    activity_id: activity[0],
    activity_name: activity[1],
    type_uid: cls.uid * 100 + activity[0],
    time: Date.parse(e.time),
    severity_id: denied ? 3 : 1,
    severity: denied ? 'Medium' : 'Informational',
    status_id: st.id,
    status: st.name,
    message: e.reason ?? `${e.type}${e.command ? `: ${e.command.slice(0, 200)}` : ''}`,
    metadata: {
      version: OCSF_VERSION,
      uid: e.id,
      log_name: 'portcullis-audit',
      product: { name: 'Portcullis', vendor_name: 'Portcullis', feature: { name: e.source } },
      correlation_uid: e.traceId,
      sequence: chain.seq,
    },
    actor: user ? { user, app_uid: e.principal?.appId ?? undefined, session: sessionOf(e) } : undefined,
    unmapped: {
      portcullis_type: e.type,
      channel: e.channel,
      decision: e.decision,
      rule_ids: e.ruleIds,
      approval_id: e.approvalId,
      fingerprint: e.fingerprint,
      outcome: e.outcome,
      duration_ms: e.durationMs,
      rows: e.rows,
      bytes: e.bytes,
      masked: e.masked,
      detail: e.detail,
      recording: e.recording,
      chain_hash: chain.hash,
    },
  };
  Object.assign(out, classAttributes(cls, e, user));
  return out;
}

function sessionOf(e: AuditEvent): { uid: string } | undefined {
  return e.sessionId ? { uid: e.sessionId } : undefined;
}

function classAttributes(cls: OcsfClass, e: AuditEvent, user: unknown): Record<string, unknown> {
  if (cls === CLASSES.datastore) {
    return {
      database: e.connection ? { name: e.connection } : undefined,
      query_info: e.command === undefined ? undefined : { query_string: e.command },
    };
  }
  if (cls === CLASSES.api) {
    return { api: { operation: e.command ?? e.type, service: e.connection ? { name: e.connection } : undefined } };
  }
  if (cls === CLASSES.authentication) {
    return { user, session: sessionOf(e), service: e.connection ? { name: e.connection } : undefined };
  }
  if (cls === CLASSES.accountChange) return { user };
  return {};
}
