import { Module } from '@nestjs/common';
import { SuspensionModule } from '../suspensions/suspension.module';
import { IdentityVerifier } from './identity-verifier.service';
import { VerificationCoreModule } from './verification-core.module';
import { VerificationHttp } from './verification.http';
import { VerificationNats } from './verification.nats';

@Module({
  imports: [VerificationCoreModule, SuspensionModule],
  controllers: [VerificationNats, VerificationHttp],
  providers: [IdentityVerifier],
})
export class VerificationModule {}
