// The MCP endpoint with the SDK's own client over real HTTP: tools per principal, SQL decided on its
// meaning, masked results, approvals as a structured pending result, and the OAuth resource metadata.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startStack, type Stack } from '@portcullis/testing';
import { createTargetDatabase, targetConnection } from './postgres-support';

type ToolText = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe('broker: MCP endpoint', () => {
  let stack: Stack;
  let target: Awaited<ReturnType<typeof createTargetDatabase>>;

  const mcpClient = async (token: string) => {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${stack.services.broker.httpPort}/mcp`),
      {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      },
    );
    await client.connect(transport);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown>) => {
    const r = (await client.callTool({ name, arguments: args })) as ToolText;
    return { isError: r.isError === true, body: JSON.parse(r.content[0].text) as Record<string, unknown> };
  };

  beforeAll(async () => {
    target = await createTargetDatabase('mcp');
    stack = await startStack({
      label: 'mcp',
      services: ['identity', 'policy', 'approval', 'audit', 'broker'],
      config: {
        connections: [targetConnection('shop', target)],
        policies: [
          { id: 'readers-connect', effect: 'allow', principals: { groups: ['db-readers'] }, actions: ['connect'] },
          {
            id: 'readers-read',
            effect: 'allow',
            principals: { groups: ['db-readers'] },
            actions: ['sql'],
            sql: { categories: ['read'] },
            masking: [
              { detector: 'email', strategy: 'redact' },
              { detector: 'payment_card', strategy: 'redact' },
            ],
          },
          { id: 'no-ddl', effect: 'deny', reason: 'no schema changes', actions: ['sql'], sql: { categories: ['ddl'] } },
          {
            id: 'writes-async',
            effect: 'approval',
            actions: ['sql'],
            sql: { categories: ['write'] },
            approval: { approverGroups: ['dba-approvers'], mode: 'async', timeoutSeconds: 60 },
          },
        ],
      },
    });
  }, 90000);

  afterAll(async () => {
    await stack?.stop();
    await target?.drop();
  });

  it('publishes OAuth protected-resource metadata and challenges a request without a token', async () => {
    const base = `http://127.0.0.1:${stack.services.broker.httpPort}`;
    const meta = (await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json()) as {
      resource: string;
      authorization_servers: string[];
    };
    expect(meta.resource).toBe(`${base}/mcp`);
    expect(meta.authorization_servers).toEqual([stack.idp.issuer]);
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
    const bad = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(401);
  });

  it('shows a reader its connection and sql_query; shows an agent without access no sql_query', async () => {
    const reader = await mcpClient(await stack.tokens.agent('code-review-bot'));
    const tools = (await reader.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(['get_approval', 'list_connections', 'sql_query', 'wait_for_approval']);
    expect((await call(reader, 'list_connections', {})).body).toEqual([{ name: 'shop', type: 'postgres', tags: [] }]);
    await reader.close();
    const other = await mcpClient(await stack.tokens.agent('deploy-bot'));
    expect((await other.listTools()).tools.map((t) => t.name)).not.toContain('sql_query');
    await other.close();
  });

  it('runs a SELECT with masked results, refuses a DROP naming the rule, and returns pending for a write', async () => {
    const client = await mcpClient(await stack.tokens.agent('code-review-bot'));
    try {
      const rows = await call(client, 'sql_query', {
        connection: 'shop',
        sql: 'select id, email, card from customers order by id',
      });
      expect(rows.isError).toBe(false);
      expect(rows.body.status).toBe('ok');
      expect(JSON.stringify(rows.body.rows)).not.toContain('ada@example.com');
      expect(JSON.stringify(rows.body.rows)).not.toContain('4111 1111 1111 1111');
      expect(rows.body.masked).toBeGreaterThan(0);

      const drop = await call(client, 'sql_query', { connection: 'shop', sql: '/* harmless */ DROP TABLE customers' });
      expect(drop.isError).toBe(true);
      expect(drop.body).toMatchObject({ status: 'refused', ruleIds: ['no-ddl'] });

      const write = await call(client, 'sql_query', {
        connection: 'shop',
        sql: 'update orders set total = 1 where id = 1',
      });
      expect(write.isError).toBe(false);
      expect(write.body).toMatchObject({ status: 'pending', approvalId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const state = await call(client, 'get_approval', { approval_id: write.body.approvalId });
      expect(state.body).toMatchObject({ approvalId: write.body.approvalId, status: 'pending' });
    } finally {
      await client.close();
    }
  });
});
