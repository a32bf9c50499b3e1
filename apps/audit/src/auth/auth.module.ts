import { Module } from '@nestjs/common';
import { HttpAuthModule } from '@portcullis/http-auth';
import { AuditorGuard } from './auditor.guard';

@Module({ imports: [HttpAuthModule], providers: [AuditorGuard], exports: [AuditorGuard] })
export class AuthModule {}
