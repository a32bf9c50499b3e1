import fc from 'fast-check';
import { FrameError } from './frame-error';
import {
  encodeCancelRequest,
  encodeGSSENCRequest,
  encodeSSLRequest,
  encodeStartupMessage,
  parseStartupFrame,
} from './startup';

const body = (frame: Buffer) => frame.subarray(4);
const startupBody = (code: number, rest: Buffer | string): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(code, 0);
  return Buffer.concat([b, Buffer.from(rest as string)]);
};
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FrameError) return e.code;
    throw e;
  }
  return 'ok';
};

describe('startup frames', () => {
  it('recognises SSLRequest, GSSENCRequest and CancelRequest', () => {
    expect(parseStartupFrame(body(encodeSSLRequest()))).toEqual({ kind: 'ssl' });
    expect(parseStartupFrame(body(encodeGSSENCRequest()))).toEqual({ kind: 'gssenc' });
    expect(parseStartupFrame(body(encodeCancelRequest(1234, -5)))).toEqual({
      kind: 'cancel',
      processId: 1234,
      secretKey: -5,
    });
    expect(encodeSSLRequest()).toEqual(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]));
  });

  it('parses a StartupMessage into a null-prototype params object, keeping order', () => {
    const frame = encodeStartupMessage({ user: 'agent', database: 'db', __proto__x: 'y', options: '-c a=b' });
    const req = parseStartupFrame(body(frame));
    expect(req.kind).toBe('startup');
    if (req.kind !== 'startup') return;
    expect(req.protocol).toEqual({ major: 3, minor: 0 });
    expect(Object.keys(req.params)).toEqual(['user', 'database', '__proto__x', 'options']);
    expect(Object.getPrototypeOf(req.params)).toBeNull();
  });

  it('a parameter literally named __proto__ is a key, not a prototype', () => {
    const req = parseStartupFrame(startupBody(196608, 'user\0u\0__proto__\0evil\0\0'));
    expect(req.kind === 'startup' && req.params['__proto__']).toBe('evil');
    expect(req.kind === 'startup' && Object.getPrototypeOf(req.params)).toBeNull();
  });

  it('reports a 3.x minor version for the broker to negotiate down', () => {
    const req = parseStartupFrame(startupBody((3 << 16) | 2, 'user\0u\0_pq_.x\x001\0\0'));
    expect(req).toMatchObject({ kind: 'startup', protocol: { major: 3, minor: 2 } });
  });

  it.each([
    ['too short for a code', Buffer.from([0, 3]), 'malformed'],
    ['protocol 2.0', startupBody(2 << 16, 'user\0u\0\0'), 'unsupported_protocol'],
    ['protocol 4.0', startupBody(4 << 16, 'user\0u\0\0'), 'unsupported_protocol'],
    ['an unknown 1234.x request', startupBody((1234 << 16) | 5681, ''), 'unsupported_protocol'],
    ['SSLRequest with a body', startupBody(80877103, 'x'), 'malformed'],
    ['GSSENCRequest with a body', startupBody(80877104, 'x'), 'malformed'],
    ['CancelRequest of the wrong size', startupBody(80877102, 'abcd'), 'malformed'],
    ['no user', startupBody(196608, 'database\0d\0\0'), 'malformed'],
    ['an empty user', startupBody(196608, 'user\0\0\0'), 'malformed'],
    ['a duplicate key', startupBody(196608, 'user\0a\0user\0b\0\0'), 'malformed'],
    ['no final terminator', startupBody(196608, 'user\0u\0'), 'malformed'],
    ['an unterminated value', startupBody(196608, 'user\0u'), 'malformed'],
    ['an unterminated name', startupBody(196608, 'user'), 'malformed'],
    ['bytes after the terminator', startupBody(196608, 'user\0u\0\0x'), 'malformed'],
    ['no parameters at all', startupBody(196608, ''), 'malformed'],
    ['non-UTF-8 value', Buffer.concat([startupBody(196608, 'user\0'), Buffer.from([0xc3, 0x28, 0, 0])]), 'malformed'],
    [
      'non-UTF-8 name',
      Buffer.concat([startupBody(196608, 'user\0u\0'), Buffer.from([0xff, 0, 0x61, 0, 0])]),
      'malformed',
    ],
  ])('rejects %s', (_name, b, expected) => {
    expect(code(() => parseStartupFrame(b))).toBe(expected);
  });

  it('builder refuses NUL in names or values (it would inject parameters)', () => {
    expect(() => encodeStartupMessage({ user: 'a\0database\0x' })).toThrow(RangeError);
    expect(() => encodeStartupMessage({ '': 'x' })).toThrow(RangeError);
  });

  it('encode → parse round-trips any parameter set', () => {
    const key = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));
    const value = fc.string({ maxLength: 40 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(
        fc.dictionary(key, value),
        fc.string({ minLength: 1 }).filter((s) => !s.includes('\0')),
        (extra, user) => {
          const params = { user, ...extra };
          delete (params as Record<string, string>)['__proto__'];
          const req = parseStartupFrame(body(encodeStartupMessage(params)));
          expect(req.kind === 'startup' && { ...req.params }).toEqual({ ...params });
        },
      ),
    );
  });
});
