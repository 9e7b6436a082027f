import { getHeapStatistics } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage, collectOldGarbage, exposeGc, PER_SET_OLD_GARBAGE_MB } from '../../src/engine/jit.js';

const g = globalThis as { gc?: unknown };
const saved = g.gc;
const used = () => getHeapStatistics().used_heap_size;

describe('collectGarbage', () => {
  afterEach(() => {
    if (saved === undefined) delete g.gc;
    else g.gc = saved;
  });

  it("asks V8's exposed gc() for a young-generation collection per set, and a full one only after the heap has grown a lot", () => {
    const calls: unknown[] = [];
    g.gc = (o?: unknown) => calls.push(o ?? 'full');
    // a heap past the size below which nothing is collected (32 MB), grown from nothing: a full
    // one, and the baseline
    const base = new Array<number>(5 * 1048576).fill(0.5);
    collectOldGarbage();
    expect(calls).toEqual(['full']);
    calls.length = 0;
    collectGarbage(); // nothing new since
    expect(calls).toEqual([{ type: 'minor' }]);
    calls.length = 0;
    // more than PER_SET_OLD_GARBAGE_MB and half of what was there (the gc() here frees nothing)
    const grown = new Array<number>(Math.ceil((0.6 * used() + (PER_SET_OLD_GARBAGE_MB + 8) * 1048576) / 8)).fill(0.5);
    collectGarbage();
    expect(calls).toEqual([{ type: 'minor' }, 'full']);
    expect(grown.length + base.length).toBeGreaterThan(0);
  });

  it('does nothing when the process was started without --expose-gc', () => {
    delete g.gc;
    expect(() => collectGarbage()).not.toThrow();
    expect(() => collectOldGarbage()).not.toThrow();
  });

  it('collectOldGarbage frees garbage that outlived the young generation (with the gc() exposeGc gives)', async () => {
    delete g.gc;
    exposeGc();
    expect(typeof g.gc).toBe('function');
    vi.resetModules(); // a module without the baseline the fake gc() above left
    const { collectOldGarbage } = await import('../../src/engine/jit.js');
    const gc = g.gc as (o?: { type: 'minor' }) => void;
    // about 150 MB of small objects, moved to the old generation by two young collections, then dropped
    let keep: { i: number; s: string }[][] | undefined = [];
    for (let k = 0; k < 2; k++) keep.push(Array.from({ length: 1_000_000 }, (_, i) => ({ i, s: `cell ${i} of ${k}` })));
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    keep = undefined;
    gc({ type: 'minor' });
    const before = used();
    collectOldGarbage();
    expect(before - used()).toBeGreaterThan(100 * 1048576);
    expect(keep).toBeUndefined();
  });
});
