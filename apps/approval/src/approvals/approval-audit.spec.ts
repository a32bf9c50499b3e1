import { auditIdFor } from './approval-audit';

describe('audit event ids', () => {
  it('are the same UUID for the same logical event, so a retried transaction is stored once', () => {
    expect(auditIdFor('a1', 'vote', 'oid-alice')).toBe(auditIdFor('a1', 'vote', 'oid-alice'));
    expect(auditIdFor('a1', 'vote', 'oid-alice')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('differ between events, votes and approvers', () => {
    const ids = [
      auditIdFor('a1', 'requested'),
      auditIdFor('a1', 'expired'),
      auditIdFor('a1', 'vote', 'oid-alice'),
      auditIdFor('a1', 'vote', 'oid-carol'),
      auditIdFor('a2', 'vote', 'oid-alice'),
      // Parts are joined unambiguously: ('a', 'bc') is not ('ab', 'c').
      auditIdFor('a', 'bc'),
      auditIdFor('ab', 'c'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
