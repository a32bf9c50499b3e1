import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { BearerVerifier, inAnyGroup } from '@portcullis/http-auth';
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
    private readonly bearer: BearerVerifier,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuditorRequest>();
    const outcome = await this.bearer.verify(req.headers.authorization);
    if (!outcome.ok)
      throw new AuditError(
        outcome.code === 'identity_unavailable' ? 'identity_unavailable' : 'unauthenticated',
        outcome.message,
      );
    const p = outcome.principal;
    if (!inAnyGroup(p, this.settings.auditorGroups)) {
      throw new AuditError('not_auditor', 'only members of identity.auditorGroups may read the audit trail');
    }
    req.auditor = p;
    return true;
  }
}
