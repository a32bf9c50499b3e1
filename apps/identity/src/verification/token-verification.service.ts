import { Inject, Injectable } from '@nestjs/common';
import { resolveSecret, type LoadedConfig } from '@portcullis/config';
import { REDIS } from '@portcullis/redis';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { JwksCache, TokenVerifier, type ProviderConfig, type VerifyResult } from '@portcullis/token-verifier';
import type Redis from 'ioredis';

/**
 * Signature, issuer, audience, tenant and lifetime checks of a bearer token, with the JWKS cache shared
 * across identity replicas through Redis. Suspension is checked by the caller.
 */
@Injectable()
export class TokenVerification {
  private readonly verifier: TokenVerifier;

  constructor(@Inject(LOADED_CONFIG) loaded: LoadedConfig, @Inject(REDIS) redis: Redis) {
    const { identity } = loaded.config;
    const providers: ProviderConfig[] = identity.providers.map((p, i) => ({
      name: p.name,
      kind: p.kind,
      issuer: p.issuer,
      tenants: p.tenants,
      audiences: p.audiences,
      jwksUri: p.jwksUri,
      clockSkewSeconds: p.clockSkewSeconds,
      groupsClaim: p.groupsClaim,
      acceptedVersions: p.acceptedVersions,
      graph: p.graph
        ? {
            ...p.graph,
            clientSecret: resolveSecret(p.graph.clientSecret, `identity.providers[${i}].graph.clientSecret`),
          }
        : undefined,
    }));
    const jwks = new JwksCache({
      redis,
      redisPrefix: 'jwks:',
      allowInsecureHttp: process.env.PORTCULLIS_DEV_INSECURE_JWKS === '1',
    });
    this.verifier = new TokenVerifier({ providers, groupNames: identity.groupNames, jwks });
  }

  verify(token: string): Promise<VerifyResult> {
    return this.verifier.verify(token);
  }
}
