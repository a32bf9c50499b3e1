import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { TlsModule } from '../tls/tls.module';
import { K8sFrontEnd } from './k8s-front-end.service';

@Module({ imports: [PipelineModule, TlsModule], providers: [K8sFrontEnd] })
export class K8sModule {}
