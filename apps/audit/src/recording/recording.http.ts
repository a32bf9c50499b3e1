import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { AuditorApi } from '../auth/auditor-api.decorator';
import { parseParams } from '../query/event-filter';
import { SessionRecordings } from './recording.service';

const params = z.object({ kind: z.enum(['sql', 'terminal']).optional() }).strict();

@ApiTags('sessions')
@AuditorApi()
@Controller('v1/sessions')
export class RecordingHttp {
  constructor(private readonly recordings: SessionRecordings) {}

  @Get(':id/recording')
  @ApiOperation({
    summary: 'The session recording: asciicast v2 for terminals (SSH, kubectl exec), a JSON transcript for SQL',
    description:
      'Stored masked, as published. X-Recording-Truncated says the per-session size cap cut it; ' +
      'X-Recording-Verified says every chunk matches the digest the hash chain holds for it.',
  })
  @ApiQuery({ name: 'kind', required: false, schema: { type: 'string', enum: ['sql', 'terminal'] } })
  @ApiProduces('application/x-asciicast', 'application/json')
  @ApiOkResponse({ description: 'asciicast v2 (one JSON value per line) or a SQL transcript document' })
  async get(@Param('id') id: string, @Query() query: unknown, @Res() res: ServerResponse): Promise<void> {
    const { kind } = parseParams(params, query);
    const rec = await this.recordings.recording(parseParams(z.string().min(1).max(200), id), kind);
    res.statusCode = 200;
    res.setHeader('Content-Type', `${rec.contentType}; charset=utf-8`);
    res.setHeader('X-Recording-Truncated', String(rec.truncated));
    res.setHeader('X-Recording-Verified', String(rec.verified));
    res.end(rec.body);
  }
}
