import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { DatabaseModule, PostgresReadiness } from '@portcullis/database';
import { platformImports } from '@portcullis/runtime';
import { ApprovalModule } from './approvals/approval.module';
import type { ApprovalSettings } from './config';
import { ApprovalConfigModule } from './config.module';
import { GrantModule } from './grants/grant.module';
import { SlackModule } from './slack/slack.module';
import { store } from './store';
import { WebhookModule } from './webhooks/webhook.module';

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig, settings: ApprovalSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports('approval', loaded, [PostgresReadiness]),
        DatabaseModule.forApp(loaded.config, store),
        ApprovalConfigModule.forRoot(settings),
        ApprovalModule,
        GrantModule,
        WebhookModule,
        SlackModule,
      ],
    };
  }
}
