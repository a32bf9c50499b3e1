import { Module } from '@nestjs/common';
import { HttpAuthModule } from '@portcullis/http-auth';
import { BearerGuard } from './bearer.guard';
import { CallerVerifier } from './caller-verifier.service';

@Module({ imports: [HttpAuthModule], providers: [CallerVerifier, BearerGuard], exports: [CallerVerifier, BearerGuard] })
export class AuthModule {}
