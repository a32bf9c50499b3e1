import './tracing';
import { runService } from '@portcullis/runtime';
import { AppModule } from './app.module';
import { loadApprovalSettings } from './config';

void runService({
  name: 'approval',
  dependencies: ['nats', 'postgres'],
  // The `approvals` section is this service's to validate; runService reports its errors like the loader's.
  module: (loaded) => AppModule.forRoot(loaded, loadApprovalSettings(loaded)),
  httpPort: (loaded) => loaded.config.services.approval.httpPort,
  openApi: {
    title: 'Portcullis approval API',
    description:
      'Just-in-time human approval of exact commands. Bearer tokens verified by the identity service; errors are RFC 9457 problem documents.',
  },
});
