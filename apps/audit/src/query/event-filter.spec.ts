import { AuditError } from '../errors/audit-error';
import { decodeCursor, encodeCursor, eventFilterSchema, eventWhere, parseParams } from './event-filter';

describe('event filters', () => {
  it('builds one indexed condition per filter, with parameters', () => {
    const f = parseParams(eventFilterSchema, {
      principal: 'p',
      group: 'g',
      type: 'command.decided',
      ruleId: 'r',
      q: '50%_off',
      from: '2025-01-01T00:00:00Z',
    });
    const { sql, params } = eventWhere(f);
    expect(sql).toBe(
      'WHERE principal_id = $1 AND groups @> ARRAY[$2::text] AND type = $3 AND rule_ids @> ARRAY[$4::text] ' +
        'AND time >= $5::timestamptz AND command ILIKE $6',
    );
    expect(params).toEqual(['p', 'g', 'command.decided', 'r', '2025-01-01T00:00:00Z', '%50\\%\\_off%']);
  });

  it('takes several types as a list', () => {
    const { sql, params } = eventWhere(parseParams(eventFilterSchema, { type: 'session.started,session.ended' }));
    expect(sql).toBe('WHERE type = ANY($1::text[])');
    expect(params).toEqual([['session.started', 'session.ended']]);
  });

  it('continues after a cursor in the direction it was issued for', () => {
    const cursor = encodeCursor({ t: '2025-01-01T00:00:00.123456Z', s: '42', o: 'desc' });
    const { sql, params } = eventWhere(parseParams(eventFilterSchema, { cursor }));
    expect(sql).toBe('WHERE (time, seq) < ($1::timestamptz, $2::bigint)');
    expect(params).toEqual(['2025-01-01T00:00:00.123456Z', '42']);
    expect(() => decodeCursor(cursor, 'asc')).toThrow(AuditError);
  });

  it.each([
    [{ decision: 'maybe' }, /bad_request: decision: /],
    [{ type: 'a,b' }, /bad_request: type\.0: Invalid enum/],
    [{ nope: '1' }, /unknown parameter nope/],
    [{ cursor: 'garbage' }, /cursor/],
    [{ cursor: encodeCursor({ t: '2025-01-01T00:00:00Z', s: '1); DROP TABLE x; --', o: 'desc' }) }, /cursor/],
  ])('refuses %o', (query, message) => {
    expect(() => eventWhere(parseParams(eventFilterSchema, query))).toThrow(message);
  });
});
