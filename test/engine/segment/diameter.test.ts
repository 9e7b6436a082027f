import { describe, expect, it } from 'vitest';
import { label } from '../../../src/engine/ops/label.js';
import { componentPeaks, estimateDiameter } from '../../../src/engine/segment/diameter.js';
import type { Mask } from '../../../src/engine/types.js';

/** Peaks by labelling every pixel (ops/label.ts), sorted: what componentPeaks must equal. */
function peaksByLabel(mask: Mask, dist: Float32Array): number[] {
  const l = label(mask, 8);
  const peak = new Array<number>(l.count + 1).fill(-1);
  for (let i = 0; i < l.data.length; i++) if (l.data[i]! > 0 && dist[i]! > peak[l.data[i]!]!) peak[l.data[i]!] = dist[i]!;
  return peak.slice(1).sort((a, b) => a - b);
}

function randomMask(w: number, h: number, density: number, seed: number): { mask: Mask; dist: Float32Array } {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const data = new Uint8Array(w * h);
  const dist = new Float32Array(w * h);
  for (let i = 0; i < data.length; i++) {
    data[i] = rnd() < density ? 1 : 0;
    dist[i] = data[i] ? Math.fround(rnd() * 10) : 0;
  }
  return { mask: { width: w, height: h, data }, dist };
}

describe('componentPeaks', () => {
  it('joins diagonal neighbours (8-connectivity) and keeps the largest value of each object', () => {
    // two objects: a diagonal staircase (peak 5) and a separate run (peak 2)
    const mask: Mask = {
      width: 5,
      height: 3,
      data: Uint8Array.from([1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]),
    };
    const dist = Float32Array.from([1, 0, 0, 0, 2, 0, 5, 0, 0, 1, 0, 0, 3, 0, 0]);
    expect([...componentPeaks(mask, dist)].sort((a, b) => a - b)).toEqual([2, 5]);
  });

  it('equals the peaks of labelled components on random masks of every density and shape', () => {
    for (const [w, h] of [
      [1, 40],
      [40, 1],
      [17, 23],
      [64, 48],
    ] as const)
      for (const density of [0, 0.2, 0.45, 0.6, 0.9, 1])
        for (let seed = 1; seed <= 3; seed++) {
          const { mask, dist } = randomMask(w, h, density, seed * 7919 + w);
          expect([...componentPeaks(mask, dist)].sort((a, b) => a - b)).toEqual(peaksByLabel(mask, dist));
        }
  });

  it('gives the diameter from the median radius, ignoring noise-sized objects', () => {
    const mask: Mask = { width: 7, height: 1, data: Uint8Array.from([1, 1, 0, 1, 0, 1, 1]) };
    const dist = Float32Array.from([2, 3, 0, 1, 0, 4, 2]);
    // peaks 3, 1 (below 1.5: noise), 4 -> median of [3, 4] = 3.5 -> 2 * 3.5 + 1
    expect(estimateDiameter(mask, dist)).toBe(8);
    expect(estimateDiameter({ width: 2, height: 1, data: new Uint8Array(2) }, new Float32Array(2))).toBeUndefined();
  });
});
