import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditorApi } from '../auth/auditor-api.decorator';
import { AuditError } from '../errors/audit-error';
import { parseParams } from '../query/event-filter';
import { ChainVerifier, type VerifyReport } from './chain-verifier.service';

// A bound is a chain position or an instant (resolved on the time rows were stored).
const bound = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.string().datetime({ offset: true }),
]);
const params = z
  .object({ from: bound.optional(), to: bound.optional(), sessionId: z.string().min(1).max(500).optional() })
  .strict();

@ApiTags('chain')
@AuditorApi()
@Controller('v1/audit')
export class ChainHttp {
  constructor(private readonly verifier: ChainVerifier) {}

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute the hash chain and report the first broken link',
    description:
      'Over positions from..to (default: the whole chain), or over one session chain with sessionId. ' +
      'Reasons: missing (row deleted), link_broken (row inserted or moved), hash_mismatch (row edited), ' +
      'columns_mismatch (a filter column edited), session_link_broken (session chain re-pointed).',
  })
  @ApiQuery({ name: 'from', required: false, description: 'First position (seq) or RFC 3339 instant' })
  @ApiQuery({ name: 'to', required: false, description: 'Last position (seq) or RFC 3339 instant' })
  @ApiQuery({ name: 'sessionId', required: false, description: 'Verify one session chain instead' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        ok: { type: 'boolean' },
        scope: { type: 'object' },
        checked: { type: 'integer' },
        head: { type: 'object', nullable: true },
        firstBroken: {
          type: 'object',
          nullable: true,
          properties: {
            seq: { type: 'integer' },
            id: { type: 'string', nullable: true },
            reason: { type: 'string' },
            detail: { type: 'string' },
          },
        },
      },
    },
  })
  async verify(@Query() query: unknown): Promise<VerifyReport> {
    const p = parseParams(params, query);
    if (p.sessionId) {
      if (p.from !== undefined || p.to !== undefined) {
        throw new AuditError('bad_request', 'sessionId: verifies the whole session; leave out from and to');
      }
      return this.verifier.verifySession(p.sessionId);
    }
    const from = typeof p.from === 'string' ? await this.verifier.positionAt(p.from, 'from') : (p.from ?? 1);
    const to = typeof p.to === 'string' ? await this.verifier.positionAt(p.to, 'to') : (p.to ?? null);
    return this.verifier.verifyRange(Math.max(1, from), to);
  }
}
