import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QueryModule } from '../query/query.module';
import { AuditExport } from './export.service';
import { ExportHttp } from './export.http';

@Module({ imports: [AuthModule, QueryModule], controllers: [ExportHttp], providers: [AuditExport] })
export class ExportModule {}
