import { Module, type DynamicModule } from '@nestjs/common';
import type { ApprovalSettings } from './config';

export const APPROVAL_SETTINGS = Symbol('APPROVAL_SETTINGS');

/** The validated `approvals` section, resolved once at boot, available to every provider by injection. */
@Module({})
export class ApprovalConfigModule {
  static forRoot(settings: ApprovalSettings): DynamicModule {
    return {
      module: ApprovalConfigModule,
      global: true,
      providers: [{ provide: APPROVAL_SETTINGS, useValue: settings }],
      exports: [APPROVAL_SETTINGS],
    };
  }
}
