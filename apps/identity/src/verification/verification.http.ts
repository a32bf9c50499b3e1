import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { channelSchema, MAX_TOKEN_BYTES, type VerifyResponse } from '@portcullis/contracts';
import { z } from 'zod';
import { IdentityVerifier } from './identity-verifier.service';

const bodySchema = z
  .object({
    token: z
      .string()
      .min(1)
      .max(MAX_TOKEN_BYTES * 2),
    channel: channelSchema.default('api'),
  })
  .strict();

/** For operators asking "why was my token refused?". The answer never contains the token. */
@Controller('v1/tokens')
export class VerificationHttp {
  constructor(private readonly verifier: IdentityVerifier) {}

  @Post('verify')
  @HttpCode(200)
  async verify(@Body() body: unknown): Promise<VerifyResponse> {
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success)
      throw new BadRequestException({ code: 'bad_request', message: 'expected {"token": "<access token>"}' });
    return this.verifier.verify(parsed.data.token, parsed.data.channel);
  }
}
