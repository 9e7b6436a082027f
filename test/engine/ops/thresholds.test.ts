import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { applyLocalThreshold, localThreshold } from '../../../src/engine/ops/local-threshold.js';
import { multiOtsuThresholds } from '../../../src/engine/ops/threshold/multi-otsu.js';
import { otsuSqrtThreshold } from '../../../src/engine/ops/threshold/otsu-sqrt.js';
import { getThreshold, listThresholds, THRESHOLDS } from '../../../src/engine/ops/threshold/registry.js';
import type { Plane } from '../../../src/engine/types.js';

/** 100 background pixels at 10 and 20 object pixels at 200 (plus a little spread). */
function bimodal(): Uint8Array {
  const a = new Uint8Array(120);
  for (let i = 0; i < 100; i++) a[i] = 10 + (i % 3);
  for (let i = 100; i < 120; i++) a[i] = 200 + (i % 3);
  return a;
}

describe('threshold registry', () => {
  it('every method separates two well-separated populations (foreground is value > threshold)', () => {
    const a = bimodal();
    // (three-class Otsu with the middle class as foreground would split a two-population image: not here;
    // otsu-sqrt bins float square roots and returns a bin centre, as skimage, so with only three background
    // levels the top one can land above it: tested below on a realistic spread instead)
    for (const id of ['otsu', 'otsu3-bg', 'li', 'mce', 'triangle', 'yen']) {
      const t = THRESHOLDS[id]!.compute(a);
      let fg = 0;
      for (const v of a) if (v > t) fg++;
      expect(fg, `${id} threshold ${t}`).toBe(20);
    }
  });

  it('Otsu on square roots cuts lower than plain Otsu when bright objects vary widely, still above the background', () => {
    const a = new Uint16Array(5600);
    for (let i = 0; i < 5000; i++) a[i] = 90 + (i % 21); // background 90..110
    for (let i = 0; i < 600; i++) a[5000 + i] = 600 + Math.round((3400 * i) / 599); // objects 600..4000
    const plain = THRESHOLDS.otsu!.compute(a);
    const sqrt = THRESHOLDS['otsu-sqrt']!.compute(a);
    expect(sqrt).toBeLessThan(plain);
    expect(sqrt).toBeGreaterThan(110);
    let lostPlain = 0;
    let lostSqrt = 0;
    for (let i = 5000; i < 5600; i++) {
      if (a[i]! <= plain) lostPlain++;
      if (a[i]! <= sqrt) lostSqrt++;
    }
    expect(lostSqrt).toBeLessThan(lostPlain);
  });

  it('a constant image gives its value, so nothing is foreground', () => {
    const a = new Uint16Array(50).fill(700);
    for (const id of ['otsu', 'otsu-sqrt', 'otsu3', 'otsu3-bg', 'li', 'triangle', 'yen']) {
      expect(THRESHOLDS[id]!.compute(a), id).toBe(700);
    }
  });

  it('three-class Otsu: lower threshold keeps dim objects, upper keeps only bright ones', () => {
    const a = new Uint8Array(300);
    for (let i = 0; i < 300; i++) a[i] = i < 200 ? 10 + (i % 4) : i < 250 ? 80 + (i % 4) : 200 + (i % 4);
    const [lo, hi] = multiOtsuThresholds(a);
    expect(lo).toBeGreaterThanOrEqual(13);
    expect(lo).toBeLessThan(80);
    expect(hi).toBeGreaterThanOrEqual(83);
    expect(hi).toBeLessThan(200);
    expect(THRESHOLDS.otsu3!.compute(a)).toBe(lo);
    expect(THRESHOLDS['otsu3-bg']!.compute(a)).toBe(hi);
  });

  it('three-class Otsu on an image with two values falls back to two classes', () => {
    const a = Uint8Array.from([5, 5, 5, 9, 9]);
    expect(THRESHOLDS.otsu3!.compute(a)).toBe(5);
    expect(() => multiOtsuThresholds(a)).toThrow(UserError);
  });

  it('three-class Otsu on full-range 16-bit data (more than 4096 levels) still finds the populations', () => {
    const a = new Uint16Array(3000);
    for (let i = 0; i < 3000; i++) a[i] = i < 2000 ? 1000 + (i % 50) : i < 2500 ? 20000 + (i % 50) : 60000 + (i % 50);
    const [lo, hi] = multiOtsuThresholds(a);
    expect(lo).toBeGreaterThanOrEqual(1049);
    expect(lo).toBeLessThan(20000);
    expect(hi).toBeGreaterThanOrEqual(20049);
    expect(hi).toBeLessThan(60000);
  });

  it('a mask restricts the pixels that count', () => {
    const a = bimodal();
    const mask = new Uint8Array(120);
    for (let i = 0; i < 120; i += 2) mask[i] = 1;
    const t = THRESHOLDS.otsu!.compute(a, { mask });
    expect(t).toBeGreaterThanOrEqual(12);
    expect(t).toBeLessThan(200);
    // masking away all objects leaves only background levels to split
    const bgOnly = new Uint8Array(120).fill(0);
    bgOnly.fill(1, 0, 100);
    expect(THRESHOLDS.otsu!.compute(a, { mask: bgOnly })).toBeLessThan(13);
  });

  it('manual returns the given value and asks for one when missing', () => {
    expect(THRESHOLDS.manual!.compute(bimodal(), { value: 42 })).toBe(42);
    expect(() => THRESHOLDS.manual!.compute(bimodal())).toThrow(/needs a value/);
  });

  it('unknown ids fail with the list of valid ones', () => {
    expect(() => getThreshold('otsuu')).toThrow(UserError);
    try {
      getThreshold('otsuu');
    } catch (e) {
      expect((e as UserError).hint).toContain('triangle');
    }
    expect(getThreshold('yen').id).toBe('yen');
  });

  it('lists every method with a description and a citation, including the local one', () => {
    const list = listThresholds();
    const ids = list.map((m) => m.id);
    expect(ids).toEqual(['otsu', 'otsu-sqrt', 'otsu3', 'otsu3-bg', 'li', 'mce', 'triangle', 'yen', 'manual', 'local']);
    for (const m of list) {
      expect(m.description.length, m.id).toBeGreaterThan(40);
      expect(m.citation.length, m.id).toBeGreaterThan(5);
    }
    expect(list.find((m) => m.id === 'mce')!.aliasOf).toBe('li');
    expect(list.find((m) => m.id === 'local')!.kind).toBe('local');
    for (const [id, m] of Object.entries(THRESHOLDS)) expect(m.id).toBe(id);
  });
});

describe('local threshold', () => {
  it('finds dim objects on the dark side and bright ones on the bright side of a gradient', () => {
    // background ramps 0..200 left to right; 3x3 objects 40 above the local background
    const w = 60;
    const h = 20;
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (200 * x) / w;
    const objects = [5, 30, 52];
    for (const cx of objects) for (let y = 9; y < 12; y++) for (let x = cx - 1; x <= cx + 1; x++) data[y * w + x] = data[y * w + x]! + 40;
    const plane: Plane = { width: w, height: h, data, bitDepth: 32 };
    // offset -20: a pixel must exceed its neighbourhood mean by 20
    const mask = applyLocalThreshold(plane, { blockSize: 15, method: 'mean', offset: -20 });
    for (const cx of objects) expect(mask.data[10 * w + cx], `object at x=${cx}`).toBe(1);
    let fg = 0;
    for (const v of mask.data) fg += v;
    expect(fg).toBe(27);
    // a global threshold cannot do this: the left object is darker than the right background
    expect(data[10 * w + 5]!).toBeLessThan(data[2 * w + 52]!);
  });

  it('rejects an even block size with a hint', () => {
    const plane: Plane = { width: 4, height: 4, data: new Uint8Array(16), bitDepth: 8 };
    expect(() => localThreshold(plane, { blockSize: 4 })).toThrow(UserError);
  });

  it('block size 1 (gaussian) is the image itself minus the offset', () => {
    const plane: Plane = { width: 3, height: 1, data: Uint8Array.from([1, 5, 9]), bitDepth: 8 };
    expect(Array.from(localThreshold(plane, { blockSize: 1, offset: 1 }))).toEqual([0, 4, 8]);
  });
});

describe('Otsu on square-root intensities with a background clipped at zero', () => {
  // 85% of pixels exactly 0 (an 8-bit export with the offset subtracted), sparse noise 1-4,
  // and dim objects at 12-20: the zero spike must not pull the cut into the noise
  const n = 10_000;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = (i * 7919) % 100;
    v[i] = r < 85 ? 0 : r < 93 ? 1 + (r % 4) : 12 + (r % 9);
  }
  it('with excludeMin the cut lies between the noise and the objects', () => {
    const t = otsuSqrtThreshold(v, { excludeMin: true });
    expect(t).toBeGreaterThan(4);
    expect(t).toBeLessThan(12);
  });
  it('without it (the scikit-image formula) the cut falls into the noise', () => {
    expect(otsuSqrtThreshold(v)).toBeLessThan(4);
  });
  it('an image that is all minimum gives the minimum', () => {
    expect(otsuSqrtThreshold(new Float32Array([0, 0, 0, 5]), { excludeMin: true, step: 2 })).toBe(0);
  });
});
