import { Global, Module } from '@nestjs/common';
import { PolicyStore } from './policy-store.service';

@Global()
@Module({ providers: [PolicyStore], exports: [PolicyStore] })
export class PolicyStoreModule {}
