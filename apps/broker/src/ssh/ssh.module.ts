import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { SshFrontEnd } from './ssh-front-end.service';

@Module({ imports: [PipelineModule], providers: [SshFrontEnd], exports: [SshFrontEnd] })
export class SshModule {}
