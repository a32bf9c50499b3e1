import { Module } from '@nestjs/common';
import { DecisionHttp } from './decision.http';
import { DecisionNats } from './decision.nats';
import { DecisionService } from './decision.service';

@Module({ controllers: [DecisionNats, DecisionHttp], providers: [DecisionService], exports: [DecisionService] })
export class DecisionModule {}
