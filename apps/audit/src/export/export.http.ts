import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { AuditorApi } from '../auth/auditor-api.decorator';
import { ApiEventFilters } from '../query/api-schemas';
import { parseParams } from '../query/event-filter';
import { AuditExport, exportParamsSchema } from './export.service';

@ApiTags('export')
@AuditorApi()
@Controller('v1/export')
export class ExportHttp {
  constructor(private readonly exporter: AuditExport) {}

  @Get()
  @ApiOperation({
    summary: 'Stream matching events for a SIEM, oldest first: raw events with their chain position, or OCSF 1.1',
  })
  @ApiEventFilters()
  @ApiQuery({
    name: 'format',
    required: false,
    schema: { type: 'string', enum: ['ndjson', 'ocsf'], default: 'ndjson' },
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One JSON object per line' })
  async export(@Query() query: unknown, @Res() res: ServerResponse): Promise<void> {
    const params = parseParams(exportParamsSchema, query);
    // Validate everything (including the first page's query) before the status line goes out.
    const pages = this.exporter.pages(params);
    const first = await pages.next();
    // The response closes early only when the client went away: stop reading pages then.
    let closed = false;
    res.on('close', () => (closed = !res.writableFinished));
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    for (let page = first; !page.done && !closed; page = await pages.next()) {
      if (!res.write(page.value)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }
}
