import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { LoadedConfig } from '@portcullis/config';
import { bearerToken } from '@portcullis/http-auth';
import { MessagingClient } from '@portcullis/messaging';
import { LOADED_CONFIG } from '@portcullis/runtime';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AccessGate } from '../access/access-gate.service';
import { ConnectionRegistry } from '../connections/connection-registry.service';
import { McpHttpRequests } from './mcp-http-request.service';
import { McpK8s } from './mcp-k8s.service';
import { McpSsh } from './mcp-ssh.service';
import { McpSql } from './mcp-sql.service';
import { buildMcpServer } from './mcp-tools';

type HttpRequest = IncomingMessage & { body?: unknown };

/**
 * The MCP endpoint (Streamable HTTP, stateless: every request carries the agent's bearer token and is
 * verified again), and the OAuth protected-resource metadata (RFC 9728) that tells MCP clients which
 * authorization server issues tokens for it.
 */
@Controller()
export class McpHttp {
  private readonly issuers: string[];
  private readonly audiences: string[];

  constructor(
    private readonly gate: AccessGate,
    private readonly connections: ConnectionRegistry,
    private readonly sql: McpSql,
    private readonly http: McpHttpRequests,
    private readonly k8s: McpK8s,
    private readonly ssh: McpSsh,
    private readonly messaging: MessagingClient,
    @Inject(LOADED_CONFIG) private readonly loaded: LoadedConfig,
  ) {
    const providers = loaded.config.identity.providers;
    this.issuers = providers.flatMap((p) =>
      p.issuer ? [p.issuer] : (p.tenants ?? []).map((t) => `https://login.microsoftonline.com/${t}/v2.0`),
    );
    this.audiences = providers.flatMap((p) => p.audiences);
  }

  @Get('.well-known/oauth-protected-resource')
  metadata(@Req() req: HttpRequest): Record<string, unknown> {
    return {
      resource: `${this.base(req)}/mcp`,
      authorization_servers: this.issuers,
      bearer_methods_supported: ['header'],
      scopes_supported: this.audiences.map((a) => `${a}/.default`),
      resource_name: 'Portcullis',
    };
  }

  @All('mcp')
  async mcp(@Req() req: HttpRequest, @Res() res: ServerResponse): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    const challenge = `Bearer resource_metadata="${this.base(req)}/.well-known/oauth-protected-resource"`;
    if (!token) return this.refuse(res, 401, challenge, 'a bearer token is required');
    const auth = await this.gate.authenticate(token, 'mcp', true);
    if (!auth.ok) {
      if (auth.code === 'unavailable') return this.refuse(res, 503, undefined, 'the identity service is unavailable');
      return this.refuse(res, 401, `${challenge}, error="invalid_token"`, `token refused: ${auth.reason}`);
    }
    const server = await buildMcpServer(auth.principal, {
      gate: this.gate,
      connections: this.connections,
      sql: this.sql,
      http: this.http,
      k8s: this.k8s,
      ssh: this.ssh,
      token,
      messaging: this.messaging,
      connectionNames: this.loaded.config.connections.map((c) => c.name),
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private refuse(res: ServerResponse, status: number, challenge: string | undefined, message: string): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(challenge ? { 'www-authenticate': challenge } : {}),
    });
    res.end(JSON.stringify({ error: status === 401 ? 'invalid_token' : 'unavailable', error_description: message }));
  }

  private base(req: HttpRequest): string {
    return `http://${req.headers.host ?? `127.0.0.1:${this.loaded.config.services.broker.httpPort}`}`;
  }
}
