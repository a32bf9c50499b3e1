import { Module } from '@nestjs/common';
import { DecisionNats } from './decision.nats';
import { DecisionService } from './decision.service';

@Module({ controllers: [DecisionNats], providers: [DecisionService], exports: [DecisionService] })
export class DecisionModule {}
