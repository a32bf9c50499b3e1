import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { PostgresModule } from '../postgres/postgres.module';
import { McpHttp } from './mcp.http';
import { McpSql } from './mcp-sql.service';

@Module({ imports: [PipelineModule, PostgresModule], controllers: [McpHttp], providers: [McpSql] })
export class McpModule {}
