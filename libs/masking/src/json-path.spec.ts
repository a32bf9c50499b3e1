import { JsonPathSet, parseJsonPath } from './json-path';

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    [
      '$.user.email',
      [
        { descend: false, name: 'user' },
        { descend: false, name: 'email' },
      ],
    ],
    ['$.items[*].card', [{ descend: false, name: 'items' }, { descend: false }, { descend: false, name: 'card' }]],
    ['$..ssn', [{ descend: true, name: 'ssn' }]],
    [
      "$['odd key'][0]",
      [
        { descend: false, name: 'odd key' },
        { descend: false, index: 0 },
      ],
    ],
    [
      '$.a[-1]',
      [
        { descend: false, name: 'a' },
        { descend: false, index: -1 },
      ],
    ],
    ['$..*', [{ descend: true }]],
    ['$..[2]', [{ descend: true, index: 2 }]],
  ])('%s', (path, steps) => expect(parseJsonPath(path)).toEqual(steps));

  it.each(['user.email', '$.a[?(@.x)]', '$.a[1:2]', "$['open", '$.a b', '$.'])('rejects %s', (path) => {
    expect(() => parseJsonPath(path)).toThrow(/masking jsonPath/);
  });
});

describe('JsonPathSet', () => {
  const set = new JsonPathSet([
    { path: '$.user.email', strategy: 'partial' },
    { path: '$..ssn', strategy: 'redact' },
  ]);

  it('tracks each path through the document', () => {
    const user = set.step(set.root(), 'user', 0);
    expect(set.completed(set.step(user, 'email', 0))).toEqual(['partial']);
    expect(set.completed(set.step(user, 'name', 0))).toEqual([]);
    const deep = set.step(set.step(set.step(set.root(), 'a', 0), 3, 5), 'ssn', 0);
    expect(set.completed(deep)).toEqual(['redact']);
  });

  it('does not grow its state with depth under recursive descent', () => {
    const s = new JsonPathSet([{ path: '$..a..b', strategy: 'redact' }]);
    let state = s.root();
    for (let i = 0; i < 50; i++) state = s.step(state, 'a', 0);
    expect(state.length).toBeLessThanOrEqual(4);
  });
});
