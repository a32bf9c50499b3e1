import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiDefaultResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { approvalStatuses, type Principal } from '@portcullis/contracts';
import { BearerGuard, Caller } from '../auth/bearer.guard';
import { parseInput } from '../errors/parse-input';
import { ProblemFilter } from '../errors/problem.filter';
import { actorOf } from './approval-access';
import { ApprovalDecisions } from './approval-decision.service';
import { ApprovalQueries } from './approval-query.service';
import type { ApprovalView } from './approval-view';
import {
  approvalIdSchema,
  ApprovalDto,
  cancelBodySchema,
  CancelBodyDto,
  decisionBodySchema,
  DecisionBodyDto,
  inboxQuerySchema,
  ProblemDto,
} from './approval.dto';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProduces('application/json', 'application/problem+json')
@ApiDefaultResponse({ type: ProblemDto, description: 'An RFC 9457 problem (application/problem+json)' })
@Controller('v1/approvals')
@UseGuards(BearerGuard)
@UseFilters(ProblemFilter)
export class ApprovalHttp {
  constructor(
    private readonly queries: ApprovalQueries,
    private readonly decisions: ApprovalDecisions,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's inbox: requests the caller may decide (humans only)" })
  @ApiQuery({ name: 'status', required: false, enum: approvalStatuses })
  @ApiQuery({ name: 'connection', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiOkResponse({ type: [ApprovalDto] })
  inbox(@Query() query: unknown, @Caller() caller: Principal): Promise<ApprovalView[]> {
    return this.queries.inbox(actorOf(caller), parseInput(inboxQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One request, for its approvers, or for the requester itself (agents poll here)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ApprovalDto })
  get(@Param('id') id: string, @Caller() caller: Principal): Promise<ApprovalView> {
    return this.queries.get(parseInput(approvalIdSchema, id, 'id'), actorOf(caller));
  }

  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or deny (human approvers only; never the requester; final)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: DecisionBodyDto })
  @ApiOkResponse({ type: ApprovalDto })
  async decide(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal): Promise<ApprovalView> {
    const approvalId = parseInput(approvalIdSchema, id, 'id');
    const input = parseInput(decisionBodySchema, body ?? {}, 'body');
    const actor = actorOf(caller);
    await this.decisions.decide(approvalId, actor, {
      decision: input.decision,
      comment: input.comment,
      windowSeconds: input.window?.seconds,
    });
    return this.queries.get(approvalId, actor);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a pending request (its human requester only)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: CancelBodyDto, required: false })
  @ApiOkResponse({ type: ApprovalDto })
  async cancel(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Principal): Promise<ApprovalView> {
    const approvalId = parseInput(approvalIdSchema, id, 'id');
    const { comment } = parseInput(cancelBodySchema, body ?? {}, 'body');
    const actor = actorOf(caller);
    await this.decisions.cancel(approvalId, actor, comment);
    return this.queries.get(approvalId, actor);
  }
}
