import { BadRequestException, Body, Controller, Delete, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AdminGuard, type AdminRequest } from '../admin/admin.guard';
import { SuspensionService } from './suspension.service';

const suspendBody = z
  .object({ reason: z.string().trim().min(1).max(500), tenant: z.string().min(1).max(200).optional() })
  .strict();
const unsuspendBody = z
  .object({
    reason: z.string().trim().min(1).max(500).default('lifted'),
    tenant: z.string().min(1).max(200).optional(),
  })
  .strict();
const principalId = z.string().min(1).max(200);

@Controller('v1/principals')
@UseGuards(AdminGuard)
export class SuspensionHttp {
  constructor(private readonly suspensions: SuspensionService) {}

  @Post(':id/suspend')
  @HttpCode(200)
  async suspend(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest) {
    const target = parse(principalId, id, 'principal id');
    const { reason, tenant } = parse(suspendBody, body ?? {}, 'body');
    await this.suspensions.suspend({ principalId: target, tenant: tenant ?? null }, reason, req.admin!);
    return { principalId: target, tenant: tenant ?? null, suspended: true };
  }

  @Delete(':id/suspend')
  @HttpCode(200)
  async unsuspend(@Param('id') id: string, @Body() body: unknown, @Req() req: AdminRequest) {
    const target = parse(principalId, id, 'principal id');
    const { reason, tenant } = parse(unsuspendBody, body ?? {}, 'body');
    const removed = await this.suspensions.unsuspend(
      { principalId: target, tenant: tenant ?? null },
      reason,
      req.admin!,
    );
    return { principalId: target, tenant: tenant ?? null, suspended: false, changed: removed };
  }
}

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new BadRequestException({
      code: 'bad_request',
      message: `${what}${i?.path.length ? '.' + i.path.join('.') : ''}: ${i?.message}`,
    });
  }
  return r.data;
}
