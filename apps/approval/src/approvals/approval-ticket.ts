import type { ApprovalStatus, ApprovalTicket } from '@portcullis/contracts';
import { ticketUrl } from '../webhooks/webhook-payloads';

/** A request found open for a principal, connection and command, with when its answer stops counting. */
export interface OpenRequest {
  id: string;
  status: ApprovalStatus;
  /** The request's expiry while pending; the grant's once approved. */
  until: Date;
}

export function ticketOf(publicUrl: string, open: OpenRequest): ApprovalTicket {
  return {
    approvalId: open.id,
    status: open.status,
    url: ticketUrl(publicUrl, open.id),
    expiresAt: open.until.toISOString(),
  };
}
