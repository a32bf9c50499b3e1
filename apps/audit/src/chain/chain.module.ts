import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChainVerifier } from './chain-verifier.service';
import { ChainHttp } from './chain.http';

@Module({ imports: [AuthModule], controllers: [ChainHttp], providers: [ChainVerifier] })
export class ChainModule {}
