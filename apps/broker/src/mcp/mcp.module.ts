import { Module } from '@nestjs/common';
import { HttpProxyModule } from '../http-proxy/http-proxy.module';
import { PipelineModule } from '../pipeline/pipeline.module';
import { PostgresModule } from '../postgres/postgres.module';
import { SshModule } from '../ssh/ssh.module';
import { TlsModule } from '../tls/tls.module';
import { McpHttp } from './mcp.http';
import { McpHttpRequests } from './mcp-http-request.service';
import { McpK8s } from './mcp-k8s.service';
import { McpSsh } from './mcp-ssh.service';
import { McpSql } from './mcp-sql.service';

@Module({
  imports: [PipelineModule, PostgresModule, HttpProxyModule, TlsModule, SshModule],
  controllers: [McpHttp],
  providers: [McpSql, McpHttpRequests, McpK8s, McpSsh],
})
export class McpModule {}
