import { Global, Module } from '@nestjs/common';
import { BearerVerifier } from './bearer-verifier';

/** Global: guards are instantiated in the module of each controller that uses them. */
@Global()
@Module({ providers: [BearerVerifier], exports: [BearerVerifier] })
export class HttpAuthModule {}
