import { Module } from '@nestjs/common';
import { TlsMaterialProvider } from './tls-material.service';

@Module({ providers: [TlsMaterialProvider], exports: [TlsMaterialProvider] })
export class TlsModule {}
