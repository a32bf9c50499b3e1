import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { HostRoutingMiddleware } from './host-routing.middleware';
import { HttpExchange } from './http-exchange.service';
import { HttpProxyHttp } from './http-proxy.http';
import { HttpProxy } from './http-proxy.service';

@Module({
  imports: [PipelineModule],
  controllers: [HttpProxyHttp],
  providers: [HttpProxy, HttpExchange],
  exports: [HttpExchange],
})
export class HttpProxyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HostRoutingMiddleware).forRoutes('*path');
  }
}
