import { Module } from '@nestjs/common';
import { AuditStreamSetup } from './audit-stream.setup';

@Module({ providers: [AuditStreamSetup] })
export class AuditStreamModule {}
