import './tracing';
import { runService } from '@portcullis/runtime';
import { AppModule } from './app.module';
import { auditSettings } from './config';

void runService({
  name: 'audit',
  dependencies: ['nats', 'postgres'],
  // The `audit` section is validated here, after the shared loader; runService reports its errors.
  module: (loaded) => AppModule.forRoot(loaded, auditSettings(loaded)),
  httpPort: (loaded) => loaded.config.services.audit.httpPort,
  openApi: {
    title: 'Portcullis audit API',
    description:
      'Tamper-evident record of every session, decision and approval. Every route needs the bearer token of a member of ' +
      'identity.auditorGroups; errors are RFC 9457 problem documents.',
  },
});
