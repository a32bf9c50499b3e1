import { Global, Module } from '@nestjs/common';
import { AuditStreamModule } from '../stream/audit-stream.module';
import { AuditIngest } from './audit-ingest.service';
import { ChainAppender } from './chain-appender';
import { IngestReadiness } from './ingest.readiness';

// Global so the health module can inject the readiness check.
@Global()
@Module({
  imports: [AuditStreamModule],
  providers: [ChainAppender, AuditIngest, IngestReadiness],
  exports: [IngestReadiness, ChainAppender],
})
export class IngestModule {}
