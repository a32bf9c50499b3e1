import { Module } from '@nestjs/common';
import { HttpProxyModule } from '../http-proxy/http-proxy.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { PostgresModule } from '../postgres/postgres.module';
import { McpHttp } from './mcp.http';
import { McpHttpRequests } from './mcp-http-request.service';
import { McpSql } from './mcp-sql.service';

@Module({
  imports: [PipelineModule, PostgresModule, HttpProxyModule],
  controllers: [McpHttp],
  providers: [McpSql, McpHttpRequests],
})
export class McpModule {}
