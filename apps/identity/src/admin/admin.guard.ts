import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import type { Principal } from '@portcullis/contracts';
import { bearerToken } from '@portcullis/http-auth';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { SuspensionService } from '../suspensions/suspension.service';
import { TokenVerification } from '../verification/token-verification.service';

export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
  admin?: Principal;
}

/** Lets through only a verified, unsuspended principal in one of `identity.adminGroups`. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly adminGroups: string[];

  constructor(
    private readonly tokens: TokenVerification,
    private readonly suspensions: SuspensionService,
    @Inject(LOADED_CONFIG) loaded: LoadedConfig,
  ) {
    this.adminGroups = loaded.config.identity.adminGroups;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new UnauthorizedException({ code: 'unauthenticated', message: 'a bearer token is required' });
    const result = await this.tokens.verify(token);
    if (!result.ok)
      throw new UnauthorizedException({ code: 'unauthenticated', message: `token refused: ${result.reason}` });
    const p = result.principal;
    if (await this.suspensions.isSuspended(p.id, p.tenant)) {
      throw new UnauthorizedException({ code: 'unauthenticated', message: 'token refused: suspended' });
    }
    const isAdmin = this.adminGroups.some((g) => p.groups.includes(g) || p.groupNames.includes(g));
    if (!isAdmin)
      throw new ForbiddenException({ code: 'not_admin', message: 'only members of identity.adminGroups may do this' });
    req.admin = p;
    return true;
  }
}
