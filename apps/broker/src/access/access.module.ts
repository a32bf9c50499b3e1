import { Module } from '@nestjs/common';
import { AccessGate } from './access-gate.service';

@Module({ providers: [AccessGate], exports: [AccessGate] })
export class AccessModule {}
