import './tracing';
import { runService } from '@portcullis/runtime';
import { AppModule } from './app.module';

void runService({
  name: 'broker',
  dependencies: ['nats'],
  module: (loaded) => AppModule.forRoot(loaded),
  httpPort: (loaded) => loaded.config.services.broker.httpPort,
});
