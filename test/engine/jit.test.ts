import { afterEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../src/engine/jit.js';

const g = globalThis as { gc?: unknown };
const saved = g.gc;

describe('collectGarbage', () => {
  afterEach(() => {
    if (saved === undefined) delete g.gc;
    else g.gc = saved;
  });

  it("asks V8's exposed gc() for a young-generation collection", () => {
    const calls: unknown[] = [];
    g.gc = (o?: unknown) => calls.push(o);
    collectGarbage();
    expect(calls).toEqual([{ type: 'minor' }]);
  });

  it('does nothing when the process was started without --expose-gc', () => {
    delete g.gc;
    expect(() => collectGarbage()).not.toThrow();
  });
});
