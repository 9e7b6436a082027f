import { describe, expect, it } from 'vitest';
import { percentileRange } from '../../../src/engine/io/preview.js';
import type { Plane } from '../../../src/engine/types.js';

/** Seeded PRNG (mulberry32), so every run sees the same images. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value at percentile p of integer data: the element floor(p / 100 * (n - 1)) of the sorted values. */
function refPercentile(d: ArrayLike<number>, p: number): number {
  const s = Array.from(d).sort((a, b) => a - b);
  return s[Math.floor((p / 100) * (s.length - 1))]!;
}

describe('percentileRange', () => {
  it('integer data: the sorted values at floor(p (n - 1)), for 1 to 11 values (all remainders of the 4-way count)', () => {
    const r = rng(1);
    for (let n = 1; n <= 11; n++) {
      for (let trial = 0; trial < 20; trial++) {
        const d16 = Uint16Array.from({ length: n }, () => Math.floor(r() * 65536));
        const d8 = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
        for (const [d, bitDepth] of [
          [d16, 16],
          [d8, 8],
        ] as const) {
          const plane: Plane = { width: n, height: 1, data: d, bitDepth };
          for (const [lo, hi] of [
            [0.5, 99.5],
            [0, 100],
            [30, 70],
          ] as const) {
            const want = [refPercentile(d, lo), refPercentile(d, hi)];
            expect(percentileRange(plane, lo, hi), `${n} values ${Array.from(d)}, ${lo}-${hi}`).toEqual(want);
          }
        }
      }
    }
  });
});
