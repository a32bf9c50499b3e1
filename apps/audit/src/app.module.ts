import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { DatabaseModule, PostgresReadiness } from '@portcullis/database';
import { platformImports } from '@portcullis/runtime';
import { ChainModule } from './chain/chain.module';
import { AUDIT_SETTINGS, type AuditSettings } from './config';
import { ExportModule } from './export/export.module';
import { IngestModule } from './ingest/ingest.module';
import { IngestReadiness } from './ingest/ingest.readiness';
import { QueryModule } from './query/query.module';
import { RecordingModule } from './recording/recording.module';
import { store } from './store';

@Global()
@Module({})
class AuditSettingsModule {
  static forRoot(settings: AuditSettings): DynamicModule {
    return {
      module: AuditSettingsModule,
      providers: [{ provide: AUDIT_SETTINGS, useValue: settings }],
      exports: [AUDIT_SETTINGS],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig, settings: AuditSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports('audit', loaded, [PostgresReadiness, IngestReadiness]),
        AuditSettingsModule.forRoot(settings),
        DatabaseModule.forApp(loaded.config, store),
        IngestModule,
        ChainModule,
        QueryModule,
        RecordingModule,
        ExportModule,
      ],
    };
  }
}
