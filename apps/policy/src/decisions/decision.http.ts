import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { decideRequestSchema } from '@portcullis/contracts';
import { DecisionService, type Explanation } from './decision.service';

/**
 * Dry run for policy authors: the same input as `policy.v1.decide`, answered with the decision, each
 * unit's decision and the parsers' classification. It decides nothing for real and records nothing.
 */
@Controller('v1/decisions')
export class DecisionHttp {
  constructor(private readonly decisions: DecisionService) {}

  @Post('explain')
  @HttpCode(200)
  async explain(@Body() body: unknown): Promise<Explanation> {
    const parsed = decideRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequestException({
        code: 'bad_request',
        message: `${issue?.path.join('.') || '(body)'}: ${issue?.message}`,
      });
    }
    return this.decisions.explain(parsed.data);
  }
}
