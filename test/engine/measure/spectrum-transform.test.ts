import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { powerLogLogSlope } from '../../../src/engine/measure/spectrum.js';
import { lowFrequencies } from '../../../src/engine/measure/spectrum-transform.js';

const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../golden/measure/spectrum-large.json'), 'utf8')) as {
  cases: { width: number; height: number; seed: number; blur: number; sum: number; PowerLogLogSlope: number }[];
};

/** make_spectrum_golden.py's formula_image, integer for integer. */
function formulaImage(w: number, h: number, seed: number, blur: number): Uint16Array {
  let img = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = 120 + ((x * 7919 + y * 104729 + seed * 1299709) % 23);
  let s = seed;
  const next = () => {
    s = (s * 48271) % 2147483647;
    return s;
  };
  for (let k = 0; k < Math.floor((w * h) / 2000); k++) {
    const cx = next() % w;
    const cy = next() % h;
    const r = 4 + (next() % 6);
    const v = 1500 + (next() % 800);
    for (let y = Math.max(0, cy - r); y <= Math.min(h - 1, cy + r); y++)
      for (let x = Math.max(0, cx - r); x <= Math.min(w - 1, cx + r); x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) img[y * w + x] = v;
  }
  if (blur) {
    const out = new Float64Array(w * h);
    const cl = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) acc += img[cl(y + dy, h) * w + cl(x + dx, w)]!;
        out[y * w + x] = Math.floor(acc / 25);
      }
    img = out;
  }
  return Uint16Array.from(img);
}

/** Deterministic pseudo-random plane. */
function noise(w: number, h: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: w * h }, (_, i) => {
    s = (s * 48271) % 2147483647;
    return (s % 1000) + (i % w > w / 3 ? 400 : 0);
  });
}

describe('lowFrequencies: Goertzel and FFT passes agree', () => {
  // sizes: smooth, odd, prime (Bluestein in the FFT), one row or column frequency only
  for (const [w, h] of [
    [64, 48],
    [97, 61],
    [211, 157],
    [120, 7],
  ] as const) {
    it(`${w} x ${h}: all four ways within 1e-11 of the largest value`, () => {
      const v = noise(w, h, w + h);
      const rows = [0, 1, 2, Math.floor(h / 2), h - 2, h - 1].filter((u, i, a) => u >= 0 && a.indexOf(u) === i).sort((a, b) => a - b);
      const nj = Math.min(9, w);
      const ways = [
        { rows: false, cols: false },
        { rows: true, cols: false },
        { rows: false, cols: true },
        { rows: true, cols: true },
      ].map((byFft) => lowFrequencies(v, w, h, 500, 0.01, nj, rows, byFft));
      const ref = ways[0]!;
      const top = Math.max(...ref.re.map(Math.abs), ...ref.im.map(Math.abs));
      expect(top).toBeGreaterThan(0);
      for (const way of ways.slice(1)) {
        for (let i = 0; i < ref.re.length; i++) {
          expect(Math.abs(way.re[i]! - ref.re[i]!)).toBeLessThan(1e-11 * top);
          expect(Math.abs(way.im[i]! - ref.im[i]!)).toBeLessThan(1e-11 * top);
        }
      }
    });
  }
});

describe('powerLogLogSlope of large planes (FFT passes) vs numpy (test/golden/measure/spectrum-large.json)', () => {
  for (const c of golden.cases) {
    it(`${c.width} x ${c.height}${c.blur ? ', box-blurred' : ''}`, () => {
      const img = formulaImage(c.width, c.height, c.seed, c.blur);
      expect(img.reduce((a, b) => a + b, 0)).toBe(c.sum); // the same plane as the golden's
      expect(Math.abs(powerLogLogSlope(img, c.width, c.height) - c.PowerLogLogSlope)).toBeLessThan(1e-9);
    });
  }
  it('blur makes the slope more negative', () => {
    const [sharp, blurred] = golden.cases;
    expect(blurred!.PowerLogLogSlope).toBeLessThan(sharp!.PowerLogLogSlope);
  });
});
