import { Injectable, Logger } from '@nestjs/common';
import type { Channel, VerifyResponse } from '@portcullis/contracts';
import { AuditPublisher } from '@portcullis/messaging';
import { SuspensionService } from '../suspensions/suspension.service';
import { TokenVerification } from './token-verification.service';

/**
 * The full answer to "who is this?": a verified token of a principal that is not suspended. Every
 * refusal is audited with its reason, and with issuer and subject only when the signature held.
 */
@Injectable()
export class IdentityVerifier {
  private readonly logger = new Logger(IdentityVerifier.name);

  constructor(
    private readonly tokens: TokenVerification,
    private readonly suspensions: SuspensionService,
    private readonly audit: AuditPublisher,
  ) {}

  async verify(token: string, channel: Channel): Promise<VerifyResponse> {
    const result = await this.tokens.verify(token);
    if (!result.ok) {
      await this.auditRejection(channel, result.reason, result.detail, {
        issuer: result.issuer,
        subject: result.subject,
      });
      return { ok: false, reason: result.reason, detail: result.detail };
    }
    const p = result.principal;
    if (await this.suspensions.isSuspended(p.id, p.tenant)) {
      await this.auditRejection(channel, 'suspended', 'the principal is suspended', {
        issuer: p.issuer,
        subject: p.id,
      });
      return { ok: false, reason: 'suspended', detail: 'the principal is suspended' };
    }
    return { ok: true, principal: p };
  }

  private async auditRejection(
    channel: Channel,
    reason: string,
    detail: string,
    verified: { issuer?: string; subject?: string },
  ): Promise<void> {
    try {
      await this.audit.publish({
        type: 'identity.rejected',
        channel,
        reason,
        outcome: 'rejected',
        detail: {
          detail,
          ...(verified.issuer ? { issuer: verified.issuer } : {}),
          ...(verified.subject ? { subject: verified.subject } : {}),
        },
      });
    } catch (err) {
      // The token is refused either way; a missing audit record is logged loudly rather than hidden.
      this.logger.error(`could not audit a token rejection (${reason}): ${(err as Error).message}`);
    }
  }
}
