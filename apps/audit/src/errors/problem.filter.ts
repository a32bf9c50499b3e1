import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuditError } from './audit-error';
import { PROBLEM_CONTENT_TYPE, problemFor, problemForStatus, type Problem } from './problem.mapper';

/** Every error of the audit API leaves as application/problem+json; internals stay in our logs. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    const instance = (req.originalUrl ?? req.url)?.split('?')[0];
    let problem: Problem;
    if (err instanceof AuditError) problem = problemFor(err.code, err.detail, instance);
    else if (err instanceof HttpException) problem = problemForStatus(err.getStatus(), err.message, instance);
    else {
      this.logger.error(`audit API failed: ${(err as Error).message}`, (err as Error).stack);
      problem = problemForStatus(500, 'the audit service failed to answer', instance);
    }
    if (res.headersSent) {
      // A streaming export that fails midway can only be cut short; the client sees a truncated body.
      res.destroy();
      return;
    }
    res.statusCode = problem.status;
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(problem));
  }
}
