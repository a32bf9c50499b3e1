import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApprovalGate } from './approval-gate.service';
import { CommandAudit } from './command-audit.service';
import { CommandPipeline } from './command-pipeline.service';
import { MaskerCache } from './masker-cache';

@Module({
  imports: [AccessModule],
  providers: [CommandPipeline, ApprovalGate, CommandAudit, MaskerCache],
  exports: [CommandPipeline, CommandAudit, MaskerCache, AccessModule],
})
export class PipelineModule {}
