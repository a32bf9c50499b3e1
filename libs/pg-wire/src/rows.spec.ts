import fc from 'fast-check';
import { FrameError } from './frame-error';
import {
  type FieldDescription,
  decodeDataRow,
  decodeRowDescription,
  encodeDataRow,
  encodeRowDescription,
} from './rows';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const body = (frame: Buffer) => frame.subarray(5);
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FrameError) return e.code;
    throw e;
  }
  return 'ok';
};
const value = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
  { nil: null },
);
const field: fc.Arbitrary<FieldDescription> = fc.record({
  name: fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0')),
  tableOid: fc.integer({ min: 0, max: 0xffffffff }),
  columnAttr: fc.integer({ min: -32768, max: 32767 }),
  typeOid: fc.integer({ min: 0, max: 0xffffffff }),
  typeSize: fc.integer({ min: -32768, max: 32767 }),
  typeModifier: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  format: fc.constantFrom(0, 1),
});

describe('rows', () => {
  it('DataRow: decode → encode is byte-exact, NULL and empty stay distinct', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 12 }), (values) => {
        const frame = encodeDataRow(values);
        expect(decodeDataRow(body(frame))).toEqual(values);
        expect(encodeDataRow(decodeDataRow(body(frame))).equals(frame)).toBe(true);
      }),
    );
    expect(encodeDataRow([null, Buffer.alloc(0)]).toString('hex')).toBe(
      hex('44 0000000e 0002 ffffffff 00000000').toString('hex'),
    );
  });

  it('DataRow: masking replaces one value and the lengths follow', () => {
    const row = encodeDataRow([Buffer.from('42'), Buffer.from('alice@example.com'), null]);
    const values = decodeDataRow(body(row));
    values[1] = Buffer.from('***');
    const masked = encodeDataRow(values);
    expect(masked.readInt32BE(1)).toBe(masked.length - 1);
    expect(decodeDataRow(body(masked)).map((v) => v?.toString() ?? null)).toEqual(['42', '***', null]);
  });

  it('DataRow values are views into the frame (no copy on decode)', () => {
    const frame = encodeDataRow([Buffer.from('abc')]);
    expect(decodeDataRow(body(frame))[0]!.buffer).toBe(frame.buffer);
  });

  it('RowDescription: round-trips every field', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (fields) => {
        const frame = encodeRowDescription(fields);
        expect(decodeRowDescription(body(frame))).toEqual(fields);
      }),
    );
  });

  it.each([
    ['DataRow shorter than its count', () => decodeDataRow(hex('00'))],
    ['DataRow with a negative count', () => decodeDataRow(hex('ffff'))],
    ['DataRow count beyond the body', () => decodeDataRow(hex('0002 ffffffff'))],
    ['DataRow value length beyond the body', () => decodeDataRow(hex('0001 00000005 6162'))],
    ['DataRow with a length below -1', () => decodeDataRow(hex('0001 fffffffe'))],
    ['DataRow with a huge length', () => decodeDataRow(hex('0001 7fffffff 00'))],
    ['DataRow with trailing bytes', () => decodeDataRow(hex('0001 ffffffff 00'))],
    ['RowDescription with a truncated field', () => decodeRowDescription(hex('0001 6100 0000'))],
    ['RowDescription with trailing bytes', () => decodeRowDescription(hex('0000 00'))],
    ['RowDescription with a negative count', () => decodeRowDescription(hex('8000'))],
  ])('rejects %s', (_name, fn) => {
    expect(codeOf(fn)).toBe('malformed');
  });

  it('encodeDataRow refuses more columns than the protocol can count', () => {
    expect(() => encodeDataRow(new Array(0x8000).fill(null))).toThrow(RangeError);
  });
});
