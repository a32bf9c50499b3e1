import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventQuery } from './event-query.service';
import { EventsHttp } from './events.http';
import { SessionQuery } from './session-query.service';
import { SessionsHttp } from './sessions.http';

@Module({
  imports: [AuthModule],
  controllers: [EventsHttp, SessionsHttp],
  providers: [EventQuery, SessionQuery],
  exports: [EventQuery],
})
export class QueryModule {}
