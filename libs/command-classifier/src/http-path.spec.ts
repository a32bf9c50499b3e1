import { normalizeHttpRequest, pathAndQueryOf } from './http-path';

describe('normalizeHttpRequest', () => {
  it.each([
    ['/a/b/c', '/a/b/c'],
    ['/a/./b/../c', '/a/c'],
    ['//a///b//', '/a/b/'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/', '/'],
    ['/%7Euser/%41%62c', '/~user/Abc'],
    ['/a%3ab/%e2%82%ac', '/a%3Ab/%E2%82%AC'],
    ["/a:b@c!$&'()*+,;=", "/a:b@c!$&'()*+,;="],
    ['/a b'.replace(' ', '%20'), '/a%20b'],
    ['/caf\u00e9/\u4e2d', '/caf%C3%A9/%E4%B8%AD'],
    ['/a/{x}|y', '/a/%7Bx%7D%7Cy'],
    ['/a/%2E%2Ex', '/a/..x'],
  ])('%s → %s', (raw, path) => {
    const r = normalizeHttpRequest('get', raw);
    expect(r).toMatchObject({ ok: true, method: 'GET', path });
  });

  it.each([
    ['/a/%2F/b', 'encoded slash'],
    ['/a/%2f/b', 'encoded slash'],
    ['/a/%5C/b', 'encoded backslash'],
    ['/a\\b', 'backslash'],
    ['/a/%2E%2E/b', 'encoded dot segment'],
    ['/a/.%2e/b', 'encoded dot segment'],
    ['/a/%2E/b', 'encoded dot segment'],
    ['/a/%00', 'NUL'],
    ['/a/%0A', 'control'],
    ['/a/%C0%AE%C0%AE/x', 'UTF-8'],
    ['/a/%FF', 'UTF-8'],
    ['/a/%E2%82', 'UTF-8'],
    ['/a/%zz', 'malformed'],
    ['/a/%4', 'malformed'],
    ['/..', 'escapes'],
    ['/a/../../b', 'escapes'],
    ['a/b', 'absolute path'],
    ['http://evil/a', 'absolute path'],
    ['/a#frag', 'fragment'],
    ['/a b', 'space'],
    ['/a\u0000b', 'control'],
    ['/a?x=%00', 'NUL'],
    ['/a?x=%E2%82', 'UTF-8'],
    ['/a?x=1;y=2', 'semicolon'],
    ['/a?x=%G1', 'malformed'],
  ])('refuses %j (%s)', (raw, why) => {
    const r = normalizeHttpRequest('GET', raw);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(new RegExp(why, 'i'));
  });

  it('refuses bad methods', () => {
    expect(normalizeHttpRequest('GE T', '/').ok).toBe(false);
    expect(normalizeHttpRequest('', '/').ok).toBe(false);
    expect(normalizeHttpRequest('patch', '/').method).toBe('PATCH');
  });

  it('parses the query with repeated keys in order, + as space and percent-decoding', () => {
    const r = normalizeHttpRequest(
      'POST',
      '/x?command=sh&command=-c&command=rm+-rf%20%2F&stdin&empty=&%C3%A9=%E2%9C%93',
    );
    expect(r.ok).toBe(true);
    expect(r.path).toBe('/x');
    expect({ ...r.query }).toEqual({
      command: ['sh', '-c', 'rm -rf /'],
      stdin: [''],
      empty: [''],
      é: ['✓'],
    });
  });

  it('does not let a query key reach the object prototype', () => {
    const r = normalizeHttpRequest('GET', '/x?__proto__=a&constructor=b');
    expect(r.query['__proto__']).toEqual(['a']);
    expect(Object.getPrototypeOf(r.query)).toBeNull();
    expect(({} as Record<string, unknown>)['a']).toBeUndefined();
  });

  it('refuses oversized targets', () => {
    expect(normalizeHttpRequest('GET', `/${'a'.repeat(20000)}`).ok).toBe(false);
  });
});

describe('pathAndQueryOf', () => {
  it('puts the normalised query back after the path, and leaves no ? for an empty one', () => {
    expect(pathAndQueryOf({ path: '/a/b', query: { x: ['1', '2'], y: ['a b'] } })).toBe('/a/b?x=1&x=2&y=a+b');
    expect(pathAndQueryOf({ path: '/', query: {} })).toBe('/');
  });
});
