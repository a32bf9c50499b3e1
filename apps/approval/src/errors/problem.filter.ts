import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ApprovalError, ApprovalErrorCode } from './approval-error';
import { PROBLEM_CONTENT_TYPE, problemOf, type ProblemDetails } from './problem-details';

interface ProblemResponse {
  status(code: number): ProblemResponse;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

/**
 * Every error from this service's HTTP routes leaves as `application/problem+json`. Errors we did not
 * expect keep their detail in our log; the client gets only the code.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(err: unknown, host: ArgumentsHost): void {
    const problem = this.toProblem(err);
    const res = host.switchToHttp().getResponse<ProblemResponse>();
    res.status(problem.status);
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.send(JSON.stringify(problem));
  }

  private toProblem(err: unknown): ProblemDetails {
    if (err instanceof ApprovalError) return problemOf(err.code, err.detail);
    if (err instanceof HttpException) {
      const status = err.getStatus();
      if (status === 404) return problemOf(ApprovalErrorCode.NotFound, err.message);
      if (status >= 400 && status < 500) return problemOf(ApprovalErrorCode.BadRequest, err.message);
    }
    this.logger.error(`unexpected error: ${(err as Error)?.message}`, (err as Error)?.stack);
    return problemOf(ApprovalErrorCode.Internal, 'the approval service failed to handle the request');
  }
}
