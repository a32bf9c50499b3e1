import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { HttpProxyHttp } from './http-proxy.http';
import { HttpProxy } from './http-proxy.service';

@Module({ imports: [PipelineModule], controllers: [HttpProxyHttp], providers: [HttpProxy] })
export class HttpProxyModule {}
