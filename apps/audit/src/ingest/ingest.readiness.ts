import { Injectable } from '@nestjs/common';
import { AuditIngest } from './audit-ingest.service';

/** Not ready until the durable consumer is attached: before that, events wait in the stream. */
@Injectable()
export class IngestReadiness {
  readonly name = 'audit-ingest';
  constructor(private readonly ingest: AuditIngest) {}

  async check(): Promise<void> {
    if (!this.ingest.attached) throw new Error('the audit stream consumer is not attached');
  }
}
