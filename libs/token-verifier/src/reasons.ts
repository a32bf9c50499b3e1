import { tokenRejectReasons, type TokenRejectReason } from '@portcullis/contracts';

/**
 * Reject reasons are a closed, stable vocabulary: the broker maps them to
 * protocol errors and the audit trail records them, so they must never be
 * free text and never carry token material.
 */
export type RejectReason = TokenRejectReason;

/** The vocabulary is owned by the contracts: every service and the audit trail share one list. */
export const REJECT_REASONS: readonly RejectReason[] = tokenRejectReasons;

export interface Rejection {
  ok: false;
  reason: RejectReason;
  detail: string;
  /** Only set when the signature verified: otherwise it is attacker-chosen text. */
  issuer?: string;
  /** oid / appid (or sub for generic OIDC); only set when the signature verified. */
  subject?: string;
}

/** Facts that may be reported on a rejection because the signature was verified. */
export interface VerifiedContext {
  issuer: string;
  subject: string | null;
}

export function reject(reason: RejectReason, detail: string): Rejection {
  return { ok: false, reason, detail };
}

export function withContext(rejection: Rejection, ctx: VerifiedContext): Rejection {
  const out: Rejection = { ...rejection, issuer: ctx.issuer };
  if (ctx.subject !== null) out.subject = ctx.subject;
  return out;
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

/**
 * Values echoed into `detail` (alg names, crit entries, kids) come from an
 * unverified token: keep them short and printable so a crafted value can
 * neither forge log lines nor smuggle token material into logs.
 */
export function printable(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const clean = text.replace(/[^\x20-\x7e]/g, '?').replace(/['"\\]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
