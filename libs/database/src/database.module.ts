import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { PortcullisConfig } from '@portcullis/config';
import { DataSource } from 'typeorm';
import { storeOptions, type AppStore } from './data-source';

@Injectable()
export class PostgresReadiness {
  readonly name = 'postgres';
  constructor(private readonly ds: DataSource) {}

  async check(): Promise<void> {
    await this.ds.query('select 1');
  }
}

/** TypeORM for one app's own schema, plus its readiness check. */
@Module({})
export class DatabaseModule {
  static forApp(config: PortcullisConfig, store: AppStore): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot(storeOptions(config, store))],
      providers: [PostgresReadiness],
      exports: [PostgresReadiness, TypeOrmModule],
    };
  }
}
