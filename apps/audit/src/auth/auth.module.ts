import { Module } from '@nestjs/common';
import { AuditorGuard } from './auditor.guard';

@Module({ providers: [AuditorGuard], exports: [AuditorGuard] })
export class AuthModule {}
