/**
 * Connected components on random masks of every density against a plain flood fill, numbered
 * in raster order of the first pixel (the skimage convention the golden files check on fewer masks).
 */
import { describe, expect, it } from 'vitest';
import { label } from '../../../src/engine/ops/label.js';

function floodLabels(m: Uint8Array, w: number, h: number, conn: 4 | 8): Int32Array {
  const out = new Int32Array(w * h);
  const steps = conn === 8 ? [-1, 0, 1] : [0];
  let n = 0;
  for (let s = 0; s < m.length; s++) {
    if (m[s] === 0 || out[s] !== 0) continue;
    out[s] = ++n;
    const stack = [s];
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (conn === 4 && dx !== 0 && dy !== 0) || !steps.includes(dx * dy)) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const j = yy * w + xx;
          if (m[j] !== 0 && out[j] === 0) {
            out[j] = n;
            stack.push(j);
          }
        }
    }
  }
  return out;
}

describe('label on random masks', () => {
  it('equals a flood fill for 4- and 8-connectivity at densities 0.1-0.9 and odd sizes', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 60; k++) {
      const w = 1 + Math.floor(rand() * 40);
      const h = 1 + Math.floor(rand() * 40);
      const density = 0.1 + 0.8 * rand();
      const m = new Uint8Array(w * h);
      for (let i = 0; i < m.length; i++) m[i] = rand() < density ? 1 : 0;
      for (const conn of [4, 8] as const) {
        const got = label({ width: w, height: h, data: m }, conn);
        const want = floodLabels(m, w, h, conn);
        expect(Array.from(got.data)).toEqual(Array.from(want));
        expect(got.count).toBe(Math.max(0, ...want));
      }
    }
  });
});
