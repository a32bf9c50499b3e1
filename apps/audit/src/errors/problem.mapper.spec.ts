import { auditErrorCodes } from './audit-error';
import { problemFor } from './problem.mapper';

describe('problemFor', () => {
  it('maps every audit error code to a distinct RFC 9457 problem', () => {
    const problems = auditErrorCodes.map((c) => problemFor(c, 'why', '/v1/x'));
    expect(new Set(problems.map((p) => p.type)).size).toBe(auditErrorCodes.length);
    for (const p of problems) {
      expect(p).toMatchObject({ detail: 'why', instance: '/v1/x', title: expect.any(String) });
      expect(p.status).toBeGreaterThanOrEqual(400);
    }
    expect(problemFor('not_auditor', 'x').status).toBe(403);
    expect(problemFor('unauthenticated', 'x').status).toBe(401);
    expect(problemFor('identity_unavailable', 'x').status).toBe(503);
  });
});
