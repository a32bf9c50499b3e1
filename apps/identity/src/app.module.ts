import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { DatabaseModule, PostgresReadiness } from '@portcullis/database';
import { RedisModule, RedisReadiness } from '@portcullis/redis';
import { platformImports } from '@portcullis/runtime';
import { store } from './store';
import { SuspensionModule } from './suspensions/suspension.module';
import { VerificationModule } from './verification/verification.module';

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports('identity', loaded, [PostgresReadiness, RedisReadiness]),
        DatabaseModule.forApp(loaded.config, store),
        RedisModule.forRoot(loaded.config),
        SuspensionModule,
        VerificationModule,
      ],
    };
  }
}
