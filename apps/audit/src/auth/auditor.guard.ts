import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { MessagingClient, MessagingError } from '@portcullis/messaging';
import { AUDIT_SETTINGS, type AuditSettings } from '../config';
import { AuditError } from '../errors/audit-error';

export interface AuditorRequest {
  headers: Record<string, string | string[] | undefined>;
  auditor?: Principal;
}

/**
 * Lets through only a principal the identity service verifies (token, expiry, suspension) and that is
 * in one of `identity.auditorGroups`, by group id or configured name. The token is never logged.
 */
@Injectable()
export class AuditorGuard implements CanActivate {
  constructor(
    private readonly messaging: MessagingClient,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuditorRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new AuditError('unauthenticated', 'a bearer token is required');
    let verdict;
    try {
      verdict = await this.messaging.request('identity.v1.verify', { token: match[1], channel: 'api' });
    } catch (err) {
      // A token too large for the contract is refused by the sender's own check: it is simply not valid.
      if (err instanceof MessagingError && err.code === 'bad_request') {
        throw new AuditError('unauthenticated', 'token refused: malformed');
      }
      throw new AuditError('identity_unavailable', 'the identity service did not answer; try again');
    }
    if (!verdict.ok) throw new AuditError('unauthenticated', `token refused: ${verdict.reason}`);
    const p = verdict.principal;
    const groups = this.settings.auditorGroups;
    if (!groups.some((g) => p.groups.includes(g) || p.groupNames.includes(g))) {
      throw new AuditError('not_auditor', 'only members of identity.auditorGroups may read the audit trail');
    }
    req.auditor = p;
    return true;
  }
}
