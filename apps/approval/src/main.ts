import './tracing';
import { runService } from '@portcullis/runtime';
import { AppModule } from './app.module';

void runService({
  name: 'approval',
  dependencies: ['nats', 'postgres'],
  module: (loaded) => AppModule.forRoot(loaded),
  httpPort: (loaded) => loaded.config.services.approval.httpPort,
});
