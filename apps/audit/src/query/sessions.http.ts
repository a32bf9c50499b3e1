import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { principalKinds } from '@portcullis/contracts';
import { z } from 'zod';
import { AuditorApi } from '../auth/auditor-api.decorator';
import { INDEXED_ID_CHARS } from '../ingest/event-columns';
import { storedEventSchema } from './api-schemas';
import { parseParams } from './event-filter';
import { SessionQuery, sessionFilterSchema, timelineParamsSchema } from './session-query.service';

const sessionId = z.string().min(1).max(INDEXED_ID_CHARS);
const optional = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) =>
  ApiQuery({ name, required: false, description, schema });

@ApiTags('sessions')
@AuditorApi()
@Controller('v1/sessions')
export class SessionsHttp {
  constructor(private readonly sessions: SessionQuery) {}

  @Get()
  @ApiOperation({ summary: 'Sessions, newest first, with who, where and how much happened in each' })
  @optional('principal', 'Principal id')
  @optional('kind', 'Principal kind', { type: 'string', enum: [...principalKinds] })
  @optional('connection', 'Connection name')
  @optional('from', 'First event at or after (RFC 3339)', { type: 'string', format: 'date-time' })
  @optional('to', 'First event before (RFC 3339)', { type: 'string', format: 'date-time' })
  @optional('order', 'Sort by first event time', { type: 'string', enum: ['desc', 'asc'], default: 'desc' })
  @optional('limit', 'Page size', { type: 'integer', minimum: 1 })
  @optional('cursor', 'nextCursor of the previous page')
  list(@Query() query: unknown) {
    return this.sessions.list(parseParams(sessionFilterSchema, query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One session: its summary and its timeline of events in chain order' })
  @optional('limit', 'Timeline page size', { type: 'integer', minimum: 1 })
  @optional('after', 'Timeline continues after this seq (nextAfter of the previous page)', { type: 'integer' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        session: { type: 'object' },
        timeline: {
          type: 'object',
          properties: {
            items: { type: 'array', items: storedEventSchema },
            nextAfter: { type: 'integer', nullable: true },
          },
        },
      },
    },
  })
  async get(@Param('id') id: string, @Query() query: unknown) {
    const sid = parseParams(sessionId, id);
    const params = parseParams(timelineParamsSchema, query);
    const session = await this.sessions.get(sid);
    return { session, timeline: await this.sessions.timeline(sid, params) };
  }
}
