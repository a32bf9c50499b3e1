export { BearerVerifier, bearerToken, inAnyGroup } from './bearer-verifier';
export type { BearerOutcome } from './bearer-verifier';
export { HttpAuthModule } from './http-auth.module';
