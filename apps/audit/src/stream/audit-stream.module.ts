import { Module } from '@nestjs/common';
import { AuditStreamSetup } from './audit-stream.setup';

@Module({ providers: [AuditStreamSetup], exports: [AuditStreamSetup] })
export class AuditStreamModule {}
