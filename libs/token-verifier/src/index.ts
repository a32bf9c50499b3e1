export { TokenVerifier } from './verifier';
export type { TokenVerifierOptions } from './verifier';
export { JwksCache, JwksUnavailableError } from './jwks-cache';
export type { JwksCacheOptions } from './jwks-cache';
export { REJECT_REASONS } from './reasons';
export type { RejectReason, Rejection } from './reasons';
export { ALLOWED_ALGORITHMS } from './header-rules';
export { MSA_CONSUMER_TENANT } from './providers';
export type { EntraTokenVersion, GraphConfig, Principal, ProviderConfig, VerifyResult } from './types';
