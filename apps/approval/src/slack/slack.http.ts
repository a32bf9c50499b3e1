import { Controller, HttpCode, Inject, Post, Req, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiDefaultResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApprovalDecisions } from '../approvals/approval-decision.service';
import { ProblemDto } from '../approvals/approval.dto';
import type { ApprovalSettings } from '../config';
import { APPROVAL_SETTINGS } from '../config.module';
import { ApprovalError, ApprovalErrorCode } from '../errors/approval-error';
import { ProblemFilter } from '../errors/problem.filter';
import { parseSlackClick, slackActor } from './slack-interaction';
import type { IncomingMessage } from 'node:http';
import { checkSlackSignature } from './slack-signature';

/** Nest keeps the exact bytes (runService enables rawBody): Slack signs those, not the parsed form. */
type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

const header = (req: RequestWithRawBody, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Slack's interactivity callback. Authenticated by Slack's request signature instead of a bearer token
 * (Slack cannot send one); the clicking Slack user is mapped to a principal by configuration.
 */
@ApiTags('slack')
@Controller()
@UseFilters(ProblemFilter)
export class SlackHttp {
  constructor(
    @Inject(APPROVAL_SETTINGS) private readonly settings: ApprovalSettings,
    private readonly decisions: ApprovalDecisions,
  ) {}

  @Post('v1/slack/interactions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Slack interactivity request URL (Approve / Deny buttons); signed by Slack' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Slack-Request-Timestamp', required: true })
  @ApiHeader({ name: 'X-Slack-Signature', required: true, description: 'v0=<hex HMAC-SHA256>' })
  @ApiOkResponse({ description: 'A Slack message describing the result' })
  @ApiDefaultResponse({ type: ProblemDto })
  async interact(@Req() req: RequestWithRawBody): Promise<{ response_type: string; text: string }> {
    const slack = this.settings.slack;
    if (!slack) throw new ApprovalError(ApprovalErrorCode.SlackNotConfigured, 'approvals.slack is not configured');
    const check = checkSlackSignature({
      rawBody: req.rawBody ?? Buffer.alloc(0),
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      signingSecret: slack.signingSecret,
    });
    if (check === 'stale')
      throw new ApprovalError(ApprovalErrorCode.SlackStaleTimestamp, 'the request timestamp is outside 5 minutes');
    if (check !== 'ok') throw new ApprovalError(ApprovalErrorCode.SlackBadSignature, 'signature mismatch');
    if (!slack.allowApprovals)
      throw new ApprovalError(ApprovalErrorCode.SlackApprovalsDisabled, 'approvals.slack.allowApprovals is false');
    const click = parseSlackClick(req.rawBody ?? Buffer.alloc(0));
    const user = slack.users[click.slackUserId];
    if (!user)
      throw new ApprovalError(ApprovalErrorCode.SlackUserUnknown, `Slack user ${click.slackUserId} is not mapped`);
    const { approval, approvals } = await this.decisions.decide(click.approvalId, slackActor(click, user), {
      decision: click.decision,
      comment: `${click.decision === 'approve' ? 'approved' : 'denied'} in Slack by ${click.slackUserId}`,
    });
    const state =
      approval.status === 'pending' ? `${approvals} of ${approval.minApprovals} approvals so far` : approval.status;
    return { response_type: 'ephemeral', text: `Recorded your ${click.decision} for ${approval.id}: ${state}` };
  }
}
