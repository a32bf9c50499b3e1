import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';

export const LOADED_CONFIG = Symbol('LOADED_CONFIG');

/** The validated config, loaded once at boot, available to every provider by injection. */
@Module({})
export class ConfigModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: LOADED_CONFIG, useValue: loaded }],
      exports: [LOADED_CONFIG],
    };
  }
}
