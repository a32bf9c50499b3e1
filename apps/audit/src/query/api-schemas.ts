import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { auditEventTypes, effects, principalKinds } from '@portcullis/contracts';

const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) =>
  ApiQuery({ name, required: false, description, schema });

/** The event filters, shared by GET /v1/events and GET /v1/export. */
export function ApiEventFilters(): MethodDecorator {
  return applyDecorators(
    q('principal', 'Principal id (the token oid/sub)'),
    q('kind', 'Principal kind', { type: 'string', enum: [...principalKinds] }),
    q('group', 'A group id the principal was in'),
    q('connection', 'Connection name'),
    q('type', `Event type, or several comma-separated: ${auditEventTypes.join(', ')}`),
    q('decision', 'Policy decision', { type: 'string', enum: [...effects] }),
    q('ruleId', 'A policy rule id that took part in the decision'),
    q('approvalId', 'Approval id'),
    q('traceId', 'OpenTelemetry trace id'),
    q('sessionId', 'Session id'),
    q('from', 'Event time, inclusive (RFC 3339)', { type: 'string', format: 'date-time' }),
    q('to', 'Event time, exclusive (RFC 3339)', { type: 'string', format: 'date-time' }),
    q('q', 'Case-insensitive substring of the command'),
    q('order', 'Sort by (time, seq)', { type: 'string', enum: ['desc', 'asc'], default: 'desc' }),
    q('limit', 'Page size', { type: 'integer', minimum: 1 }),
    q('cursor', 'nextCursor of the previous page'),
  );
}

export const storedEventSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer', description: 'Position in the hash chain' },
    storedAt: { type: 'string', format: 'date-time' },
    hash: { type: 'string', description: 'Chain hash of this row (hex)' },
    event: { type: 'object', description: 'The audit event as chained (libs/contracts audit schema)' },
  },
};

export const eventPageSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: storedEventSchema },
    nextCursor: { type: 'string', nullable: true },
  },
};
