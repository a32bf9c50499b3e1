import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { platformImports } from '@portcullis/runtime';
import { DecisionModule } from './decisions/decision.module';
import { PolicyStoreModule } from './policies/policy-store.module';

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return { module: AppModule, imports: [...platformImports('policy', loaded), PolicyStoreModule, DecisionModule] };
  }
}
