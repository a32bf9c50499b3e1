import { classifyShell } from './shell-classify';
import { GateError } from './shell-gate';
import type * as Gate from './shell-gate';

type Offsets = (src: string) => Promise<number[]>;
const mockOffsets = jest.fn<Promise<number[]>, [string, Offsets]>();

jest.mock('./shell-gate', () => {
  const actual = jest.requireActual<typeof Gate>('./shell-gate');
  return { ...actual, mvdanStatementOffsets: (src: string) => mockOffsets(src, actual.mvdanStatementOffsets) };
});

// When mvdan/sh and our parser split statements differently, one of them misreads the
// line: the classifier must refuse it rather than trust either.
describe('parser disagreement', () => {
  beforeEach(() => mockOffsets.mockReset());

  it('accepts the input when both parsers agree', async () => {
    mockOffsets.mockImplementation((src, real) => real(src));
    expect((await classifyShell('ls; rm -rf /')).ok).toBe(true);
  });

  it('refuses the input when the statement boundaries differ', async () => {
    mockOffsets.mockResolvedValue([0]);
    const r = await classifyShell('ls; rm -rf /');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/disagree/);
    expect(r.commands).toEqual([]);
  });

  it('refuses when the gate rejects a nested shell program', async () => {
    mockOffsets.mockImplementation(async (src, real) => {
      if (src === 'rm -rf /') throw new GateError('shell syntax error: injected');
      return real(src);
    });
    const r = await classifyShell("sh -c 'rm -rf /'");
    expect(r).toMatchObject({ ok: false, error: 'shell syntax error: injected', commands: [] });
  });
});
