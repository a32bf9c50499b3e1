import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import {
  ALICE_PASSWORD,
  BOB_PASSWORD,
  CAROL_PASSWORD,
  CODE_REVIEW_BOT_APP_ID,
  CODE_REVIEW_BOT_SECRET,
  DEV_API_APP_ID_URI,
  DEV_CLI_APP_ID,
} from '@portcullis/dev-identities';
import { Webhook } from 'standardwebhooks';

export interface DemoEndpoints {
  tokenEndpoint: string;
  agent: { clientId: string; clientSecret: string; scope: string };
  humans: { clientId: string; approver: [string, string]; admin: [string, string]; auditor: [string, string] };
  broker: { host: string; port: number; database: string };
  approvalUrl: string;
  identityUrl: string;
  auditUrl: string;
  webhook: { port: number; secret: string };
}

/** The endpoints of a Portcullis running with the development identities (npm start, or a test stack). */
export function devDemoEndpoints(e: {
  tokenEndpoint: string;
  brokerPort: number;
  approvalUrl: string;
  identityUrl: string;
  auditUrl: string;
  webhook: { port: number; secret: string };
}): DemoEndpoints {
  return {
    tokenEndpoint: e.tokenEndpoint,
    agent: {
      clientId: CODE_REVIEW_BOT_APP_ID,
      clientSecret: CODE_REVIEW_BOT_SECRET,
      scope: `${DEV_API_APP_ID_URI}/.default`,
    },
    humans: {
      clientId: DEV_CLI_APP_ID,
      approver: ['alice', ALICE_PASSWORD],
      admin: ['carol', CAROL_PASSWORD],
      auditor: ['bob', BOB_PASSWORD],
    },
    broker: { host: '127.0.0.1', port: e.brokerPort, database: 'demo' },
    approvalUrl: e.approvalUrl,
    identityUrl: e.identityUrl,
    auditUrl: e.auditUrl,
    webhook: e.webhook,
  };
}

export interface DemoStep {
  step: string;
  outcome: string;
  ok: boolean;
}

/**
 * The product's story, step by step, against a running Portcullis: an agent reads masked data, is
 * blocked from dropping a table, waits for a human to approve an UPDATE (the approver sees a signed
 * webhook), is cut off when its identity is suspended, and the audit trail shows all of it in one chain.
 */
export async function runDemoStory(
  e: DemoEndpoints,
  print: (line: string) => void = () => undefined,
): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const record = (step: string, outcome: string, ok: boolean) => {
    steps.push({ step, outcome, ok });
    print(`${ok ? '✔' : '✘'} ${step}\n    ${outcome.split('\n').join('\n    ')}`);
  };
  const webhooks: string[] = [];
  const receiver = await startReceiver(e.webhook, (line) => webhooks.push(line));
  try {
    const token = await clientCredentials(e);
    record(
      '1. the agent gets a short-lived token with the client-credentials flow',
      `access token of ${token.length} bytes (no secret leaves Portcullis)`,
      true,
    );

    const session = new Client({ ...e.broker, user: 'agent', password: token, ssl: { rejectUnauthorized: false } });
    await session.connect();
    const rows = await session.query('select id, name, email, card from customers order by id');
    const masked = rows.rows.every(
      (r: { email: string; card: string }) => r.email.includes('***') && r.card.startsWith('[REDACTED'),
    );
    record('2. SELECT: emails and card numbers are masked', rows.rows.map((r) => JSON.stringify(r)).join('\n'), masked);

    const drop = await session.query('drop table customers').catch((err: Error & { code?: string }) => err);
    const blocked = drop instanceof Error && drop.code === '42501';
    record(
      '3. DROP TABLE is blocked, naming the rule',
      blocked ? `${drop.code} ${drop.message}` : 'NOT BLOCKED',
      blocked,
    );

    const update = "update customers set city = 'Paris' where id = 1";
    const held = session.query(update).then(
      (r) => `UPDATE ${r.rowCount}`,
      (err: Error) => `failed: ${err.message}`,
    );
    const alice = await password(e, e.humans.approver);
    const approval = await waitForApproval(e.approvalUrl, alice, update);
    record(
      '4. UPDATE waits for a DBA: the approval request is in the approver inbox',
      `approval ${approval.id}, rules ${approval.ruleIds.join(', ')}`,
      true,
    );
    const decided = await fetch(`${e.approvalUrl}/v1/approvals/${approval.id}/decision`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve', comment: 'demo: fine' }),
    });
    const result = await held;
    record(
      '5. alice approves through the API; the held UPDATE completes',
      `decision HTTP ${decided.status}; ${result}`,
      decided.status === 200 && result === 'UPDATE 1',
    );
    await waitUntil(() => webhooks.length >= 2, 10000);
    record(
      '6. the webhook receiver got signed notifications',
      webhooks.join('\n') || 'none',
      webhooks.some((w) => w.includes('approval.decided')),
    );

    const ended = new Promise<string>((resolve) => session.on('error', (err) => resolve(err.message)));
    const carol = await password(e, e.humans.admin);
    const principalId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).oid as string;
    await fetch(`${e.identityUrl}/v1/principals/${principalId}/suspend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'demo: token leaked' }),
    });
    const cut = await Promise.race([ended, new Promise<string>((r) => setTimeout(() => r('still open'), 5000))]);
    record('7. carol suspends the agent: its open session is cut', cut, cut.includes('suspended'));
    await fetch(`${e.identityUrl}/v1/principals/${principalId}/suspend`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'demo over' }),
    });

    const bob = await password(e, e.humans.auditor);
    const trail = await auditTrail(e.auditUrl, bob, principalId, update);
    record(
      '8. the audit API shows the session, and one trace links decision, approval and execution',
      trail.lines.join('\n'),
      trail.ok,
    );
    const verify = (await (
      await fetch(`${e.auditUrl}/v1/audit/verify`, { headers: { authorization: `Bearer ${bob}` } })
    ).json()) as { ok?: boolean };
    record('9. the hash chain verifies', JSON.stringify(verify).slice(0, 300), verify.ok === true);
  } finally {
    await new Promise((r) => receiver.close(r));
  }
  return steps;
}

async function clientCredentials(e: DemoEndpoints): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: e.agent.clientId,
    client_secret: e.agent.clientSecret,
    scope: e.agent.scope,
  });
  return ((await (await fetch(e.tokenEndpoint, { method: 'POST', body })).json()) as { access_token: string })
    .access_token;
}

async function password(e: DemoEndpoints, [username, pw]: [string, string]): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'password',
    client_id: e.humans.clientId,
    username,
    password: pw,
    scope: e.agent.scope,
  });
  return ((await (await fetch(e.tokenEndpoint, { method: 'POST', body })).json()) as { access_token: string })
    .access_token;
}

async function waitForApproval(
  url: string,
  token: string,
  command: string,
): Promise<{ id: string; ruleIds: string[] }> {
  for (let i = 0; i < 100; i++) {
    const inbox = (await (
      await fetch(`${url}/v1/approvals?status=pending`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Array<{ id: string; command: string; ruleIds: string[] }>;
    const found = Array.isArray(inbox) ? inbox.find((a) => a.command === command) : undefined;
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the approval request never reached the inbox');
}

async function auditTrail(
  url: string,
  token: string,
  principal: string,
  update: string,
): Promise<{ ok: boolean; lines: string[] }> {
  type Ev = {
    type: string;
    command?: string;
    decision?: string;
    ruleIds?: string[];
    traceId?: string;
    approvalId?: string;
    sessionId?: string;
  };
  const get = async (query: string): Promise<Ev[]> =>
    (
      (
        (await (
          await fetch(`${url}/v1/events?${query}`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as { items?: Array<{ event: Ev }> }
      ).items ?? []
    ).map((i) => i.event);
  let events: Ev[] = [];
  for (let i = 0; i < 50; i++) {
    events = await get(`principal=${principal}&limit=200&order=desc`);
    if (events.some((ev) => ev.type === 'command.executed' && ev.command === update)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const executed = events.find((ev) => ev.type === 'command.executed' && ev.command === update);
  const trace = executed?.traceId;
  const linked = trace ? await get(`traceId=${trace}&order=asc`) : [];
  const session = executed?.sessionId ? await get(`sessionId=${executed.sessionId}&order=asc`) : [];
  const lines = session.map((ev) =>
    `${ev.type.padEnd(18)} ${ev.decision ?? ''} ${ev.ruleIds?.join(',') ?? ''} ${ev.command ?? ''}`.trimEnd(),
  );
  lines.push(`one trace, ${trace ?? '(none)'}: ${linked.map((ev) => ev.type).join(' → ')}`);
  const types = new Set(linked.map((ev) => ev.type));
  return {
    ok: !!trace && types.has('command.decided') && types.has('command.executed') && types.has('approval.requested'),
    lines,
  };
}

function startReceiver(cfg: { port: number; secret: string }, onEvent: (line: string) => void): Promise<Server> {
  const wh = new Webhook(cfg.secret);
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        const event = wh.verify(body, req.headers as Record<string, string>) as { type?: string };
        onEvent(`${event.type ?? 'event'}: signature verified (${req.headers['webhook-id']})`);
        res.writeHead(204).end();
      } catch {
        onEvent('REJECTED: bad signature');
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => server.listen(cfg.port, '127.0.0.1', () => resolve(server)));
}

function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (cond() || Date.now() > until) {
        clearInterval(t);
        resolve();
      }
    }, 100);
  });
}
