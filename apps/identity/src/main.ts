import './tracing';
import { runService } from '@portcullis/runtime';
import { AppModule } from './app.module';

void runService({
  name: 'identity',
  dependencies: ['nats', 'postgres', 'redis'],
  module: (loaded) => AppModule.forRoot(loaded),
  httpPort: (loaded) => loaded.config.services.identity.httpPort,
});
