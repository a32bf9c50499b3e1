import fc from 'fast-check';
import { type ErrorFields, SqlState, decodeErrorFields, encodeErrorResponse, encodeNoticeResponse } from './errors';
import { FrameError } from './frame-error';

const body = (frame: Buffer) => frame.subarray(5);

describe('ErrorResponse / NoticeResponse', () => {
  it('builds a deny error psql and drivers can show: S, V, C, M, D, H in order', () => {
    const frame = encodeErrorResponse({
      severity: 'ERROR',
      code: SqlState.InsufficientPrivilege,
      message: 'permission denied by policy',
      detail: 'rule deny-ddl',
      hint: 'ask for approval',
    });
    expect(frame[0]).toBe(0x45);
    expect(frame.readInt32BE(1)).toBe(frame.length - 1);
    expect(body(frame).toString('latin1')).toBe(
      'SERROR\0VERROR\0C42501\0Mpermission denied by policy\0Drule deny-ddl\0Hask for approval\0\0',
    );
    expect(encodeNoticeResponse({ severity: 'NOTICE', code: '00000', message: 'hi' })[0]).toBe(0x4e);
  });

  it('replaces NUL in field text instead of letting it forge fields', () => {
    const frame = encodeErrorResponse({ severity: 'ERROR', code: '42501', message: 'denied: x\0Cxxxxx' });
    const fields = decodeErrorFields(body(frame));
    expect(fields.code).toBe('42501');
    expect(fields.message).toBe('denied: x\uFFFDCxxxxx');
  });

  it('round-trips every named field', () => {
    const s = fc.string({ maxLength: 20 }).filter((x) => !x.includes('\0'));
    const optional = fc.record(
      { detail: s, hint: s, position: s, where: s, schema: s, table: s, column: s, constraint: s, routine: s },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(s, s, s, optional, (severity, code, message, rest) => {
        const fields: ErrorFields = { severity, severityNonLocalized: severity, code, message, ...rest };
        expect(decodeErrorFields(body(encodeErrorResponse(fields)))).toEqual(fields);
      }),
    );
  });

  it('skips unknown field codes, as the protocol asks', () => {
    const fields = decodeErrorFields(Buffer.from('SERROR\0C42501\0Mm\0Zfuture\0\0', 'latin1'));
    expect(fields).toEqual({ severity: 'ERROR', code: '42501', message: 'm' });
  });

  it.each([['SERROR\0'], ['SERROR'], ['SERROR\0\0x'], ['']])('rejects %j', (bad) => {
    expect(() => decodeErrorFields(Buffer.from(bad, 'latin1'))).toThrow(FrameError);
  });

  it('SQLSTATE constants', () => {
    expect(Object.values(SqlState).sort()).toEqual(
      ['08006', '08P01', '0A000', '28000', '28P01', '3D000', '42501', '53300', '57014', '57P01', 'XX000'].sort(),
    );
  });
});
