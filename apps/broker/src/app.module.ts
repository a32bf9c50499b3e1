import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { platformImports } from '@portcullis/runtime';
import { AccessModule } from './access/access.module';
import { ConnectionsModule } from './connections/connections.module';
import { HttpProxyModule } from './http-proxy/http-proxy.module';
import { K8sModule } from './k8s/k8s.module';
import { McpModule } from './mcp/mcp.module';
import { PostgresModule } from './postgres/postgres.module';
import { SessionsModule } from './sessions/sessions.module';
import { SshModule } from './ssh/ssh.module';

@Module({})
export class AppModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformImports('broker', loaded),
        ConnectionsModule,
        SessionsModule,
        AccessModule,
        PostgresModule,
        McpModule,
        HttpProxyModule,
        K8sModule,
        SshModule,
      ],
    };
  }
}
