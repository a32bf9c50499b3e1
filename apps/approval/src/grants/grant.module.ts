import { Module } from '@nestjs/common';
import { GrantNats } from './grant.nats';
import { GrantService } from './grant.service';

@Module({ controllers: [GrantNats], providers: [GrantService], exports: [GrantService] })
export class GrantModule {}
