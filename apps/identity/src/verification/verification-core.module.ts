import { Module } from '@nestjs/common';
import { TokenVerification } from './token-verification.service';

@Module({ providers: [TokenVerification], exports: [TokenVerification] })
export class VerificationCoreModule {}
