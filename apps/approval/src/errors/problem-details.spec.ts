import { BadRequestException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { ApprovalError, ApprovalErrorCode } from './approval-error';
import { httpStatusOf, problemOf } from './problem-details';
import { ProblemFilter } from './problem.filter';

function respond(err: unknown): { status: number; contentType: string; body: Record<string, unknown> } {
  const sent = { status: 0, contentType: '', body: {} as Record<string, unknown> };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    setHeader(_: string, value: string) {
      sent.contentType = value;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new ProblemFilter().catch(err, host);
  return sent;
}

describe('problem details', () => {
  it('maps every domain error code to an error status and a title', () => {
    for (const code of Object.values(ApprovalErrorCode)) {
      const { status, title } = httpStatusOf(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      expect(title.length).toBeGreaterThan(0);
    }
  });

  it('builds an RFC 9457 problem with a stable code', () => {
    expect(problemOf(ApprovalErrorCode.SelfApproval, 'ask someone else')).toEqual({
      type: 'urn:portcullis:approval:self_approval',
      title: 'Nobody may approve their own request',
      status: 403,
      detail: 'ask someone else',
      code: 'self_approval',
    });
  });

  it('answers domain errors, framework errors and surprises as application/problem+json', () => {
    const domain = respond(new ApprovalError(ApprovalErrorCode.NotPending, 'it is already approved'));
    expect(domain).toMatchObject({
      status: 409,
      contentType: 'application/problem+json',
      body: { code: 'not_pending' },
    });
    expect(respond(new NotFoundException('Cannot GET /v1/nope')).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(respond(new BadRequestException('Unexpected token')).body).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
    const surprise = respond(new Error('connection terminated: password=hunter2'));
    expect(surprise.body).toMatchObject({ status: 500, code: 'internal' });
    expect(JSON.stringify(surprise.body)).not.toContain('hunter2');
  });
});
