import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@portcullis/contracts';
import { CallerVerifier } from './caller-verifier.service';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: Principal;
}

/** Every approval route needs a verified bearer token; the principal is attached for the handler. */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(private readonly verifier: CallerVerifier) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    req.caller = await this.verifier.verify(req.headers.authorization);
    return true;
  }
}

/** The principal `BearerGuard` verified for this request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('Caller used on a route without BearerGuard');
  return caller;
});
