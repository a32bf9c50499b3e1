import type { ConnectionRef, Principal } from '@portcullis/contracts';
import type { MessagingClient } from '@portcullis/messaging';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AccessGate } from '../access/access-gate.service';
import type { ConnectionRegistry } from '../connections/connection-registry.service';
import type { McpHttpRequests } from './mcp-http-request.service';
import type { McpK8s } from './mcp-k8s.service';
import type { McpSsh } from './mcp-ssh.service';
import type { McpSql } from './mcp-sql.service';

export interface McpToolDeps {
  gate: AccessGate;
  connections: ConnectionRegistry;
  sql: McpSql;
  http: McpHttpRequests;
  k8s: McpK8s;
  ssh: McpSsh;
  /** The agent's own token, for the tools that go through the broker's native listeners with it. */
  token: string;
  messaging: MessagingClient;
  connectionNames: string[];
}

type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError: boolean };
type LooseRegister = (
  name: string,
  config: { description: string; inputSchema: z.ZodRawShape },
  cb: (args: unknown) => Promise<ToolResult>,
) => void;

/**
 * Registers a tool whose arguments are validated by our own zod schema. The SDK's generic typing of
 * registerTool is too deep for the compiler with this zod version, so the call is typed loosely here
 * and the handler gets parsed, typed arguments.
 */
function tool<S extends z.ZodRawShape>(
  server: McpServer,
  name: string,
  description: string,
  shape: S,
  handler: (args: z.infer<z.ZodObject<S>>) => Promise<ToolResult>,
): void {
  const schema = z.object(shape);
  (server.registerTool.bind(server) as unknown as LooseRegister)(name, { description, inputSchema: shape }, (args) =>
    handler(schema.parse(args)),
  );
}

const text = (value: unknown, isError = false) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(value, null, 2) }],
  isError,
});

const failed = (r: { status: string }) => r.status === 'refused' || r.status === 'error';

/**
 * The tools one principal sees: only connections policy lets it open, and `sql_query` only when one of
 * them is a database. Every call goes through the same decision, approval, masking and audit path as
 * the native protocols, on the arguments (the SQL), not just the tool name.
 */
export async function buildMcpServer(principal: Principal, deps: McpToolDeps): Promise<McpServer> {
  const server = new McpServer({ name: 'portcullis', version: '0.1.0' });
  const allowed: ConnectionRef[] = [];
  for (const name of deps.connectionNames) {
    const out = await deps.gate.decide(principal, name, { kind: 'connect' });
    if (out.outcome !== 'deny') allowed.push(deps.connections.find(name)!.ref);
  }

  tool(
    server,
    'list_connections',
    'Connections you may use through Portcullis (databases, clusters, hosts, APIs).',
    {},
    async () => text(allowed),
  );

  if (allowed.some((c) => c.type === 'postgres')) {
    tool(
      server,
      'sql_query',
      'Run SQL on a database connection. Decided by policy statement by statement; results are masked; ' +
        'statements needing approval return status "pending" with an approval id to wait for.',
      { connection: z.string().describe('connection name from list_connections'), sql: z.string().max(1024 * 1024) },
      async ({ connection, sql }) => {
        const result = await deps.sql.query(principal, connection, sql);
        return text(result, result.status === 'refused' || result.status === 'error');
      },
    );
  }

  if (allowed.some((c) => c.type === 'http')) {
    tool(
      server,
      'http_request',
      "Call an HTTP API connection. Decided by policy on the method and path; the connection's own " +
        'credentials are added by Portcullis; JSON responses are masked; requests needing approval return ' +
        'status "pending" with an approval id to wait for.',
      {
        connection: z.string().describe('connection name from list_connections'),
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
        path: z.string().max(8192).describe('path and query on the API, e.g. /v1/orders?limit=10'),
        body: z
          .string()
          .max(1024 * 1024)
          .optional(),
        headers: z.record(z.string().max(8192)).optional().describe('extra request headers, e.g. content-type'),
      },
      async ({ connection, method, path, body, headers }) => {
        const result = await deps.http.request(principal, connection, method, path, body, headers ?? {});
        return text(result, result.status === 'refused' || result.status === 'error');
      },
    );
  }

  if (allowed.some((c) => c.type === 'k8s')) registerK8sTools(server, deps);
  if (allowed.some((c) => c.type === 'ssh')) {
    tool(
      server,
      'ssh_exec',
      'Run a command on a host connection over SSH. Decided by policy on the command, shell-parsed; output is ' +
        'masked and recorded; approval-required commands return "pending" with an approval id.',
      {
        connection: z.string().describe('connection name from list_connections'),
        command: z
          .string()
          .min(1)
          .max(64 * 1024)
          .describe('shell command line, e.g. "df -h /var"'),
        timeout_seconds: z.number().int().min(1).max(300).default(60),
      },
      async ({ connection, command, timeout_seconds }) => {
        const r = await deps.ssh.exec(deps.token, connection, command, timeout_seconds * 1000);
        return text(r, failed(r));
      },
    );
  }

  const status = async (approvalId: string) => {
    try {
      return await deps.messaging.request('approval.v1.status', { approvalId });
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  tool(
    server,
    'get_approval',
    'The state of an approval request (pending, approved, denied, expired, cancelled).',
    { approval_id: z.string().uuid() },
    async ({ approval_id }) => text(await status(approval_id)),
  );
  tool(
    server,
    'wait_for_approval',
    'Wait (up to timeout_seconds, at most 60) until an approval request is decided; then retry the command.',
    { approval_id: z.string().uuid(), timeout_seconds: z.number().int().min(1).max(60).default(30) },
    async ({ approval_id, timeout_seconds }) => {
      const until = Date.now() + timeout_seconds * 1000;
      for (;;) {
        const s = await status(approval_id);
        if (!('status' in s) || s.status !== 'pending' || Date.now() > until) return text(s);
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
  );
  return server;
}

/** Kubernetes tools: the same listener kubectl uses, so the same decisions on verb, resource and argv. */
function registerK8sTools(server: McpServer, deps: McpToolDeps): void {
  tool(
    server,
    'k8s_request',
    'Call the Kubernetes API of a cluster connection (e.g. GET /api/v1/namespaces/default/pods). Decided by ' +
      'policy on verb, resource, namespace and name; output is masked; approval-required calls return "pending".',
    {
      connection: z.string().describe('connection name from list_connections'),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
      path: z.string().max(8192).describe('API path and query, e.g. /api/v1/namespaces/default/pods?limit=10'),
      body: z
        .string()
        .max(1024 * 1024)
        .optional()
        .describe('JSON body for POST/PUT, merge patch for PATCH'),
    },
    async ({ connection, method, path, body }) => {
      const r = await deps.k8s.request(deps.token, connection, method, path, body);
      return text(r, failed(r));
    },
  );
  tool(
    server,
    'kubectl_exec',
    'Run a command in a pod (like kubectl exec, without a TTY). Decided by policy on the whole argv as a ' +
      'shell command line; stdout/stderr are masked and recorded; approval-required commands return "pending".',
    {
      connection: z.string().describe('connection name from list_connections'),
      namespace: z.string().min(1).max(253).default('default'),
      pod: z.string().min(1).max(253),
      container: z.string().min(1).max(253).optional(),
      command: z
        .array(z.string().max(64 * 1024))
        .min(1)
        .max(1000)
        .describe('argv, e.g. ["ls", "-l", "/app"]'),
      timeout_seconds: z.number().int().min(1).max(300).default(60),
    },
    async ({ connection, namespace, pod, container, command, timeout_seconds }) => {
      const r = await deps.k8s.exec(
        deps.token,
        connection,
        { namespace, pod, command, ...(container ? { container } : {}) },
        timeout_seconds * 1000,
      );
      return text(r, failed(r));
    },
  );
}
