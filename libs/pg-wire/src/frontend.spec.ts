import fc from 'fast-check';
import { FrameError } from './frame-error';
import {
  decodeBind,
  decodeClose,
  decodeCopyFail,
  decodeDescribe,
  decodeEmpty,
  decodeExecute,
  decodeFrontendMessage,
  decodeFunctionCall,
  decodeParse,
  decodePassword,
  decodeQuery,
  decodeSaslInitialResponse,
  decodeSaslResponse,
} from './frontend';
import {
  encodeBind,
  encodeClose,
  encodeCopyFail,
  encodeDescribe,
  encodeExecute,
  encodeFlush,
  encodeParse,
  encodePasswordMessage,
  encodeQuery,
  encodeSaslInitialResponse,
  encodeSaslResponse,
  encodeSync,
} from './frontend-encode';

const body = (frame: Buffer) => frame.subarray(5);
const b = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FrameError) return e.code;
    throw e;
  }
  return 'ok';
};
const text = fc.string({ maxLength: 30 }).filter((s) => !s.includes('\0'));
const int16 = fc.integer({ min: -32768, max: 32767 });
const value = fc.option(
  fc.uint8Array({ maxLength: 20 }).map((u) => Buffer.from(u)),
  { nil: null },
);

describe('frontend decoders', () => {
  it('Query: the SQL, NUL-terminated, nothing after', () => {
    expect(decodeQuery(body(encodeQuery('SELECT 1; SELECT 2')))).toBe('SELECT 1; SELECT 2');
    expect(decodeQuery(b('SELECT ✓\0'.replace('✓', '\u00e2\u009c\u0093')))).toBe('SELECT ✓');
  });

  it('Parse, Bind, Execute, Describe, Close round-trip through the encoders', () => {
    fc.assert(
      fc.property(text, text, fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 5 }), (name, q, oids) => {
        expect(decodeParse(body(encodeParse(name, q, oids)))).toEqual({ name, query: q, paramTypes: oids });
      }),
    );
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(value, { maxLength: 6 }),
        fc.array(int16, { maxLength: 3 }),
        (p, s, params, rf) => {
          const paramFormats = params.map((_, i) => i % 2);
          const got = decodeBind(
            body(encodeBind({ portal: p, statement: s, paramFormats, params, resultFormats: rf })),
          );
          expect(got).toEqual({ portal: p, statement: s, paramFormats, params, resultFormats: rf });
        },
      ),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (portal, maxRows) => {
        expect(decodeExecute(body(encodeExecute(portal, maxRows)))).toEqual({ portal, maxRows });
      }),
    );
    expect(decodeDescribe(body(encodeDescribe('S', 'stmt')))).toEqual({ kind: 'S', name: 'stmt' });
    expect(decodeClose(body(encodeClose('P', '')))).toEqual({ kind: 'P', name: '' });
  });

  it('Bind with one format for all parameters, and NULL vs empty values', () => {
    const frame = encodeBind({ paramFormats: [1], params: [null, Buffer.alloc(0), Buffer.from([1, 2])] });
    const m = decodeBind(body(frame));
    expect(m.paramFormats).toEqual([1]);
    expect(m.params).toEqual([null, Buffer.alloc(0), Buffer.from([1, 2])]);
  });

  it('password, SASL and COPY messages', () => {
    expect(decodePassword(body(encodePasswordMessage('eyJ0eXAiOiJKV1Qi.token')))).toBe('eyJ0eXAiOiJKV1Qi.token');
    expect(decodeSaslInitialResponse(body(encodeSaslInitialResponse('SCRAM-SHA-256', 'n,,n=,r=abc')))).toEqual({
      mechanism: 'SCRAM-SHA-256',
      data: Buffer.from('n,,n=,r=abc'),
    });
    expect(decodeSaslInitialResponse(b('SCRAM-SHA-256\0', [0xff, 0xff, 0xff, 0xff]))).toEqual({
      mechanism: 'SCRAM-SHA-256',
      data: null,
    });
    expect(decodeSaslResponse(body(encodeSaslResponse('c=biws')))).toEqual(Buffer.from('c=biws'));
    expect(decodeCopyFail(body(encodeCopyFail('aborted')))).toBe('aborted');
    expect(() => decodeEmpty(body(encodeSync()), 'Sync')).not.toThrow();
    expect(decodeFrontendMessage(0x48, body(encodeFlush()))).toEqual({ type: 'Flush' });
  });

  it('FunctionCall (fastpath): decoded so the broker can refuse or judge it', () => {
    const m = decodeFunctionCall(b([0, 0, 0x0b, 0xb8], [0, 1, 0, 1], [0, 1, 0, 0, 0, 2], 'hi', [0, 0]));
    expect(m).toEqual({ functionOid: 3000, argFormats: [1], args: [Buffer.from('hi')], resultFormat: 0 });
  });

  it.each([
    ['Query without terminator', 'Q', b('SELECT 1')],
    ['Query with bytes after the terminator (Postgres refuses it too)', 'Q', b('SELECT 1\0DROP')],
    ['Query with invalid UTF-8', 'Q', b([0x53, 0xc0, 0xaf, 0])],
    ['Query empty body', 'Q', b()],
    ['Parse without query terminator', 'P', b('s\0SELECT')],
    ['Parse with a negative type count', 'P', b('\0SELECT 1\0', [0xff, 0xff])],
    ['Parse with a count beyond the body', 'P', b('\0SELECT 1\0', [0x7f, 0xff], [0, 0, 0, 0])],
    ['Parse with trailing bytes', 'P', b('\0SELECT 1\0', [0, 0], 'x')],
    [
      'Bind with a negative value length other than -1',
      'B',
      b('\0\0', [0, 0], [0, 1], [0xff, 0xff, 0xff, 0xfe], [0, 0]),
    ],
    ['Bind with a value longer than the body', 'B', b('\0\0', [0, 0], [0, 1], [0, 0, 1, 0], 'ab', [0, 0])],
    [
      'Bind with 2 formats for 3 parameters',
      'B',
      b(
        '\0\0',
        [0, 2, 0, 0, 0, 0],
        [0, 3],
        [0xff, 0xff, 0xff, 0xff],
        [0xff, 0xff, 0xff, 0xff],
        [0xff, 0xff, 0xff, 0xff],
        [0, 0],
      ),
    ],
    ['Bind without result formats', 'B', b('\0\0', [0, 0], [0, 0])],
    ['Execute truncated', 'E', b('\0', [0, 0])],
    ['Describe of an unknown kind', 'D', b('X\0')],
    ['Close without a name terminator', 'C', b('Sname')],
    ['Sync with a body', 'S', b('x')],
    ['Terminate with a body', 'X', b('x')],
    ['an unknown message type', 'z', b()],
    ['FunctionCall truncated', 'F', b([0, 0, 1])],
  ])('rejects %s', (_name, type, bad) => {
    expect(codeOf(() => decodeFrontendMessage(type.charCodeAt(0), bad))).toBe('malformed');
  });

  it('rejects SASLInitialResponse whose data length overruns, and passwords with trailing bytes', () => {
    expect(codeOf(() => decodeSaslInitialResponse(b('SCRAM-SHA-256\0', [0, 0, 0, 9], 'short')))).toBe('malformed');
    expect(codeOf(() => decodePassword(b('secret\0extra\0')))).toBe('malformed');
  });

  it('builders refuse NUL inside strings rather than emit a different message', () => {
    expect(() => encodeQuery('SELECT 1\0DROP TABLE x')).toThrow(RangeError);
    expect(() => encodeParse('a\0', 'SELECT 1')).toThrow(RangeError);
  });
});
