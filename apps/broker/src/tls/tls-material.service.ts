import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { resolveSecret, type LoadedConfig } from '@portcullis/config';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
  selfSigned: boolean;
}

/**
 * The certificate the broker's protocol listeners present. Configured ones are read from secret
 * references; without one a self-signed certificate is generated at start for development, and the
 * broker says so: clients then need sslmode=require (not verify-full).
 */
@Injectable()
export class TlsMaterialProvider implements OnModuleInit {
  private readonly logger = new Logger(TlsMaterialProvider.name);
  private material?: TlsMaterial;

  constructor(@Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig) {}

  async onModuleInit(): Promise<void> {
    const tls = this.loaded.config.broker.tls;
    if (tls) {
      this.material = {
        cert: resolveSecret(tls.cert, 'broker.tls.cert'),
        key: resolveSecret(tls.key, 'broker.tls.key'),
        selfSigned: false,
      };
      return;
    }
    const pems = await generate([{ name: 'commonName', value: 'portcullis-broker (development)' }], {
      keySize: 2048,
      days: 30,
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    } as never);
    this.material = { cert: pems.cert, key: pems.private, selfSigned: true };
    this.logger.warn('no broker.tls configured: serving a self-signed development certificate');
  }

  get(): TlsMaterial {
    if (!this.material) throw new Error('TLS material requested before module init');
    return this.material;
  }
}
