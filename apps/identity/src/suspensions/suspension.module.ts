import { Module } from '@nestjs/common';
import { VerificationCoreModule } from '../verification/verification-core.module';
import { AdminGuard } from '../admin/admin.guard';
import { SuspensionHttp } from './suspension.http';
import { SuspensionNats } from './suspension.nats';
import { SuspensionService } from './suspension.service';

@Module({
  imports: [VerificationCoreModule],
  controllers: [SuspensionHttp, SuspensionNats],
  providers: [SuspensionService, AdminGuard],
  exports: [SuspensionService],
})
export class SuspensionModule {}
