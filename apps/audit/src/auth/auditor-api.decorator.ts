import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ProblemFilter } from '../errors/problem.filter';
import { AuditorGuard } from './auditor.guard';

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
  },
  required: ['type', 'title', 'status', 'detail'],
};

const problem = (status: number, description: string) =>
  ApiResponse({ status, description, content: { 'application/problem+json': { schema: problemSchema } } });

/** An auditor-only controller: bearer token of a member of identity.auditorGroups, errors as problems. */
export function AuditorApi(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    UseGuards(AuditorGuard),
    UseFilters(ProblemFilter),
    problem(400, 'A parameter is invalid'),
    problem(401, 'No token, or the identity service refused it'),
    problem(403, 'The principal is not in identity.auditorGroups'),
    problem(503, 'The identity service did not answer'),
  );
}
