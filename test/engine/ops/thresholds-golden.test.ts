import { describe, expect, it } from 'vitest';
import { localThreshold } from '../../../src/engine/ops/local-threshold.js';
import { multiOtsuThresholds } from '../../../src/engine/ops/threshold/multi-otsu.js';
import { THRESHOLDS } from '../../../src/engine/ops/threshold/registry.js';
import { diffArrays, type GoldenImage, loadGolden, toPlane } from './golden-helpers.js';

interface Expected {
  otsu: number;
  otsu_sqrt: number;
  multiotsu3: [number, number];
  li: number;
  triangle: number;
  yen: number;
  local_gaussian_15: number[];
  local_mean_15_offset: number[];
  local_mean_15_offset_value: number;
  masked_width: number;
  masked: { otsu: number; li: number; triangle: number; yen: number; multiotsu3: [number, number] };
}
const golden = loadGolden<{ versions: Record<string, string>; images: Record<string, GoldenImage>; expected: Record<string, Expected> }>(
  'thresholds.json',
);

describe(`thresholds match scikit-image ${golden.versions.skimage}`, () => {
  for (const [name, img] of Object.entries(golden.images)) {
    const plane = toPlane(img);
    const exp = golden.expected[name]!;
    const isFloat = img.dtype === 'float32';
    // float data: skimage bins in float32, we in float64; allow a small part of one bin (range / 256)
    const tol = isFloat ? 1e-5 : 0;
    it(`${name}: otsu, li, triangle, yen, three-class otsu`, () => {
      expect(THRESHOLDS.otsu!.compute(plane.data)).toBeCloseTo(exp.otsu, isFloat ? 5 : 10);
      expect(THRESHOLDS['otsu-sqrt']!.compute(plane.data)).toBeCloseTo(exp.otsu_sqrt, isFloat ? 5 : 6);
      expect(Math.abs(THRESHOLDS.triangle!.compute(plane.data) - exp.triangle)).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS.yen!.compute(plane.data) - exp.yen)).toBeLessThanOrEqual(tol);
      const mo = multiOtsuThresholds(plane.data, { classes: 3 });
      expect(Math.abs(mo[0]! - exp.multiotsu3[0])).toBeLessThanOrEqual(tol);
      expect(Math.abs(mo[1]! - exp.multiotsu3[1])).toBeLessThanOrEqual(tol);
      expect(THRESHOLDS.otsu3!.compute(plane.data)).toBe(mo[0]);
      expect(THRESHOLDS['otsu3-bg']!.compute(plane.data)).toBe(mo[1]);
      // Li iterates to a tolerance of half a grey level (integer) or half the smallest gap (float)
      expect(Math.abs(THRESHOLDS.li!.compute(plane.data) - exp.li)).toBeLessThan(isFloat ? 1e-4 : 1e-9);
      expect(THRESHOLDS.mce!.compute(plane.data)).toBe(THRESHOLDS.li!.compute(plane.data));
    });
    it(`${name}: with a mask, each method equals scikit-image on the masked pixels`, () => {
      const mask = new Uint8Array(img.width * img.height);
      for (let y = 0; y < img.height; y++) mask.fill(1, y * img.width, y * img.width + exp.masked_width);
      const m = exp.masked;
      expect(Math.abs(THRESHOLDS.otsu!.compute(plane.data, { mask }) - m.otsu)).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS.triangle!.compute(plane.data, { mask }) - m.triangle)).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS.yen!.compute(plane.data, { mask }) - m.yen)).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS.otsu3!.compute(plane.data, { mask }) - m.multiotsu3[0])).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS['otsu3-bg']!.compute(plane.data, { mask }) - m.multiotsu3[1])).toBeLessThanOrEqual(tol);
      expect(Math.abs(THRESHOLDS.li!.compute(plane.data, { mask }) - m.li)).toBeLessThan(isFloat ? 1e-4 : 1e-9);
    });
    it(`${name}: local threshold (gaussian and mean, block 15)`, () => {
      const scale = isFloat ? 1e-5 : img.bitDepth === 8 ? 1e-3 : 1e-2;
      const g = localThreshold(plane, { blockSize: 15, method: 'gaussian' });
      expect(diffArrays(g, exp.local_gaussian_15, img.width, scale)).toBeNull();
      const m = localThreshold(plane, { blockSize: 15, method: 'mean', offset: exp.local_mean_15_offset_value });
      expect(diffArrays(m, exp.local_mean_15_offset, img.width, scale)).toBeNull();
    });
  }
});
