import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { DatabaseModule, PostgresReadiness } from '@portcullis/database';
import { platformImports } from '@portcullis/runtime';
import { AuditStreamModule } from './stream/audit-stream.module';
import { store } from './store';

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports('audit', loaded, [PostgresReadiness]),
        DatabaseModule.forApp(loaded.config, store),
        AuditStreamModule,
      ],
    };
  }
}
