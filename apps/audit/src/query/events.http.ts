import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditorApi } from '../auth/auditor-api.decorator';
import { ApiEventFilters, eventPageSchema } from './api-schemas';
import { eventFilterSchema, parseParams } from './event-filter';
import { EventQuery, type EventPage } from './event-query.service';

@ApiTags('events')
@AuditorApi()
@Controller('v1/events')
export class EventsHttp {
  constructor(private readonly events: EventQuery) {}

  @Get()
  @ApiOperation({ summary: 'Audit events matching every given filter, newest first, a page at a time' })
  @ApiEventFilters()
  @ApiOkResponse({ schema: eventPageSchema })
  list(@Query() query: unknown): Promise<EventPage> {
    return this.events.page(parseParams(eventFilterSchema, query));
  }
}
