import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { TlsModule } from '../tls/tls.module';
import { PostgresFrontEnd } from './postgres-front-end.service';

@Module({ imports: [PipelineModule, TlsModule], providers: [PostgresFrontEnd], exports: [PostgresFrontEnd] })
export class PostgresModule {}
