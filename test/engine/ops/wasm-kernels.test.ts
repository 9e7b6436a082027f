// The WebAssembly kernels against plain reference loops written out here: every border case of
// the binomial smoothing (widths and heights 1 to 9, 8/16-bit and float input) and the wide-image
// (float64) path of the distance transform.
import { describe, expect, it } from 'vitest';
import { cappedDistances, squaredDistanceTransform } from '../../../src/engine/ops/distance.js';
import { fillHoles } from '../../../src/engine/ops/fill-holes.js';
import { binomialSmooth, gaussianF32, gaussianKernel } from '../../../src/engine/ops/gaussian.js';
import { filterBySize } from '../../../src/engine/ops/size-filter.js';
import { watershedOnSquares } from '../../../src/engine/ops/watershed.js';
import type { Labels, Mask } from '../../../src/engine/types.js';
import { withScratch } from '../../../src/engine/wasm/kernels.js';

const K = [1, 4, 6, 4, 1];

/** Separable [1 4 6 4 1] with repeated borders, rows first, each pass rounded to float32 as documented. */
function referenceBinomial(src: ArrayLike<number>, w: number, h: number): Float32Array {
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += K[j]! * src[y * w + clamp(x + j - 2, w)]!;
      tmp[y * w + x] = s;
    }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += K[j]! * tmp[clamp(y + j - 2, h) * w + x]!;
      out[y * w + x] = s / 256;
    }
  return out;
}

/** A deterministic pseudo-random sequence (no Math.random in tests). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('binomialSmooth (WebAssembly)', () => {
  it('equals the reference exactly for 16- and 8-bit input of every small size (all border cases)', () => {
    const rnd = lcg(7);
    for (let w = 1; w <= 19; w++) {
      for (let h = 1; h <= 9; h++) {
        const u16 = Uint16Array.from({ length: w * h }, () => Math.floor(rnd() * 65536));
        expect(binomialSmooth(u16, w, h)).toEqual(referenceBinomial(u16, w, h));
        const u8 = Uint8Array.from({ length: w * h }, () => Math.floor(rnd() * 256));
        expect(binomialSmooth(u8, w, h)).toEqual(referenceBinomial(u8, w, h));
      }
    }
  });

  it('keeps the full 16-bit range exact (the largest sums stay below 2^24)', () => {
    const w = 37;
    const h = 11;
    const full = new Uint16Array(w * h).fill(65535);
    expect(Array.from(new Set(binomialSmooth(full, w, h)))).toEqual([65535]);
  });

  it('smooths float input in float64 arithmetic, as the reference', () => {
    const rnd = lcg(11);
    for (const [w, h] of [
      [1, 1],
      [3, 7],
      [40, 13],
    ] as const) {
      const f = Float32Array.from({ length: w * h }, () => (rnd() - 0.3) * 1e4);
      expect(binomialSmooth(f, w, h)).toEqual(referenceBinomial(f, w, h));
    }
  });

  it('reads only the first width x height values of a longer array', () => {
    const src = Uint16Array.from({ length: 30 }, (_, i) => i * 100);
    expect(binomialSmooth(src, 5, 4)).toEqual(referenceBinomial(src.subarray(0, 20), 5, 4));
  });
});

describe('distance transform (WebAssembly)', () => {
  it('gives float64 squares for images wider + higher than 30,000 px, equal to the int32 result', () => {
    const w = 30_001;
    const data = new Uint8Array(w).fill(1);
    for (const x of [0, 9, 10_000, 30_000]) data[x] = 0;
    const mask: Mask = { width: w, height: 1, data };
    const { d2 } = squaredDistanceTransform(mask);
    expect(d2).toBeInstanceOf(Float64Array);
    expect(d2[5]).toBe(16); // 4 px from x = 9
    expect(d2[5_000]).toBe(4991 ** 2);
    const narrow = squaredDistanceTransform({ width: 10_001, height: 1, data: data.subarray(0, 10_001) });
    expect(narrow.d2).toBeInstanceOf(Int32Array);
    expect(Array.from(narrow.d2)).toEqual(Array.from(d2.subarray(0, 10_001)));
    // capped distances and the distance watershed take the same float64 path
    const wide = cappedDistances(mask);
    expect(wide.d2).toBeInstanceOf(Float64Array);
    expect(wide.maxD2).toBe(10_000 ** 2); // x = 20,000 is 10,000 px from the background at both ends
    expect(wide.dist[20_000]).toBe(10_000);
    const markers: Labels = { width: w, height: 1, data: new Int32Array(w), count: 2 };
    markers.data[5] = 1;
    markers.data[20_000] = 2;
    const flooded = watershedOnSquares(wide.d2, wide.maxD2, markers, mask);
    const asInt = watershedOnSquares(Int32Array.from(wide.d2), wide.maxD2, markers, mask);
    expect(flooded.data).toEqual(asInt.data);
    expect(flooded.data[15_000]).toBe(2);
    expect(flooded.data[9]).toBe(0);
  });

  it('caps "no background anywhere" at (width + height)^2 and reports the largest square', () => {
    const mask: Mask = { width: 4, height: 3, data: new Uint8Array(12).fill(1) };
    const { d2, dist, maxD2 } = cappedDistances(mask);
    expect(maxD2).toBe(49);
    expect(Array.from(new Set(d2))).toEqual([49]);
    expect(dist[0]).toBe(7);
    const holed = { ...mask, data: Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]) };
    const r = cappedDistances(holed);
    expect(r.maxD2).toBe(5); // corner (3, 2) is 2 across and 1 down from (1, 1)
    expect(r.d2[5]).toBe(0);
    expect(r.dist[11]).toBeCloseTo(Math.sqrt(5), 6);
  });
});

/** Background 4-connected to the border stays 0, everything else 1: a plain breadth-first search. */
function referenceFill(m: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h).fill(1);
  const queue: number[] = [];
  const visit = (i: number) => {
    if (m[i] === 0 && out[i] === 1) {
      out[i] = 0;
      queue.push(i);
    }
  };
  for (let x = 0; x < w; x++) {
    visit(x);
    visit((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    visit(y * w);
    visit(y * w + w - 1);
  }
  while (queue.length > 0) {
    const i = queue.pop()!;
    const x = i % w;
    if (i >= w) visit(i - w);
    if (x > 0) visit(i - 1);
    if (x < w - 1) visit(i + 1);
    if (i < w * (h - 1)) visit(i + w);
  }
  return out;
}

describe('fillHoles and filterBySize (WebAssembly)', () => {
  it('fills holes as a breadth-first search does, on random masks and a maze of one-pixel runs', () => {
    const rnd = lcg(3);
    for (const [w, h, p] of [
      [1, 1, 0.5],
      [7, 1, 0.5],
      [1, 9, 0.5],
      [33, 21, 0.45],
      [64, 64, 0.6],
    ] as const) {
      const m = Uint8Array.from({ length: w * h }, () => (rnd() < p ? 1 : 0));
      expect(fillHoles({ width: w, height: h, data: m }).data).toEqual(referenceFill(m, w, h));
    }
    // alternate columns of background and foreground: every background run is one pixel long,
    // the case that pushes the most seeds
    const w = 101;
    const h = 57;
    const maze = Uint8Array.from({ length: w * h }, (_, i) => (i % w) % 2);
    expect(fillHoles({ width: w, height: h, data: maze }).data).toEqual(referenceFill(maze, w, h));
  });

  it('removes objects outside the area range, lists their areas and renumbers the rest in order', () => {
    const data = Int32Array.from([0, 3, 3, 3, 0, 1, 0, 5, 5, 5, 5, 5, 2, 2, 0, 0]);
    const labels: Labels = { width: 4, height: 4, data, count: 5 };
    const r = filterBySize(labels, { minArea: 2, maxArea: 4 });
    expect(r.removed).toEqual({ small: [1], large: [5] });
    expect(Array.from(r.labels.data)).toEqual([0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    expect(r.labels.count).toBe(2);
    // a stale count below the largest label is not trusted
    expect(filterBySize({ ...labels, count: 2 }, {}).labels.count).toBe(4);
  });
});

/** Rows then columns, each output the float64 sum over the taps in order, stored as float32. */
function referenceGaussian(src: ArrayLike<number>, w: number, h: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  const clamp = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = 0; j < k.length; j++) acc += k[j]! * Math.fround(src[y * w + clamp(x + j - r, w)]!);
      tmp[y * w + x] = acc;
    }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = 0; j < k.length; j++) acc += k[j]! * tmp[clamp(y + j - r, h) * w + x]!;
      out[y * w + x] = acc;
    }
  return out;
}

describe('gaussianF32 (WebAssembly)', () => {
  it('equals the plain separable convolution bit for bit (odd and even sizes, several sigmas, 16-bit and float input)', () => {
    const rnd = lcg(5);
    for (const [w, h] of [
      [1, 1],
      [2, 9],
      [9, 2],
      [17, 12],
      [64, 33],
    ] as const) {
      const u16 = Uint16Array.from({ length: w * h }, () => Math.floor(rnd() * 4096));
      const f32 = Float32Array.from({ length: w * h }, () => rnd() * 100 - 20);
      for (const sigma of [0.5, 1.25, 3]) {
        expect(gaussianF32(u16, w, h, sigma)).toEqual(referenceGaussian(u16, w, h, sigma));
        expect(gaussianF32(f32, w, h, sigma)).toEqual(referenceGaussian(f32, w, h, sigma));
      }
    }
  });
});

describe('kernel memory', () => {
  it('refuses a step past the 4 GiB of the 32-bit memory with a message saying what to do (no wrap-around)', () => {
    expect(() => withScratch(2 ** 32)).toThrow(/too large to analyse in memory.*limit is 4 GiB/);
    expect(() => withScratch(2 ** 31, 2 ** 31)).toThrow(/one step needs 4.0 GiB/);
    // the kernels still work afterwards (a fresh instance)
    expect(binomialSmooth(new Uint16Array([4, 4, 4, 4]), 2, 2)).toEqual(new Float32Array([4, 4, 4, 4]));
  });
});
