import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type {
  ApprovalDecided,
  ApprovalRequest,
  ApprovalTerms,
  ApprovalTicket,
  ConsumeGrant,
  GrantVerdict,
  Principal,
} from '@portcullis/contracts';
import { EventBus, MessagingClient, MessagingModule } from '@portcullis/messaging';
import { randomUUID } from 'node:crypto';

export const dbaTerms: ApprovalTerms = {
  approverGroups: ['dba-approvers'],
  minApprovals: 1,
  mode: 'hold',
  grant: 'once',
  timeoutSeconds: 300,
};

/**
 * The broker's side of the approval service, over the real NATS in the stack's namespace: request,
 * consume grants, verify tokens into principals, and watch `approval.v1.decided`.
 * PORTCULLIS_NATS_NAMESPACE must be set before `connect`.
 */
export class BrokerSide {
  readonly decided: ApprovalDecided[] = [];
  private constructor(
    private readonly ctx: INestApplicationContext,
    private readonly messaging: MessagingClient,
  ) {}

  static async connect(natsUrl: string): Promise<BrokerSide> {
    const mod = await Test.createTestingModule({
      imports: [MessagingModule.forRoot({ serviceName: 'broker', natsUrl, requestTimeoutMs: 5000 })],
    }).compile();
    const ctx = await mod.init();
    const side = new BrokerSide(ctx, ctx.get(MessagingClient));
    await ctx.get(EventBus).subscribe('approval.v1.decided', (e) => {
      side.decided.push(e);
    });
    return side;
  }

  async principal(token: string): Promise<Principal> {
    const answer = await this.messaging.request('identity.v1.verify', { token, channel: 'api' });
    if (!answer.ok) throw new Error(`token refused: ${answer.reason}`);
    return answer.principal;
  }

  /** A request for a fresh command (unique fingerprint) unless the caller gives one. */
  request(
    principal: Principal,
    overrides: Partial<Omit<ApprovalRequest, 'principal' | 'terms'>> & { terms?: Partial<ApprovalTerms> } = {},
  ): Promise<ApprovalTicket> {
    const fingerprint = overrides.commandFingerprint ?? `fp-${randomUUID()}`;
    return this.messaging.request('approval.v1.request', {
      principal,
      connection: { name: 'prod-db', type: 'postgres', tags: ['prod'] },
      action: { kind: 'sql', sql: 'DELETE FROM orders WHERE id = 42' },
      commandText: 'DELETE FROM orders WHERE id = 42',
      ruleIds: ['prod-writes-need-dba'],
      agentReason: 'clean up a duplicate order',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      ...overrides,
      commandFingerprint: fingerprint,
      terms: { ...dbaTerms, ...overrides.terms },
    });
  }

  status(approvalId: string): Promise<ApprovalTicket> {
    return this.messaging.request('approval.v1.status', { approvalId });
  }

  consume(req: ConsumeGrant): Promise<GrantVerdict> {
    return this.messaging.request('approval.v1.consume-grant', req);
  }

  /** Waits for the outcome of one approval, as every broker replica would see it. */
  async outcome(approvalId: string, timeoutMs = 5000): Promise<ApprovalDecided> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.decided.find((e) => e.approvalId === approvalId);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no approval.v1.decided for ${approvalId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    await this.ctx.close();
  }
}
