import { describe, expect, it } from 'vitest';
import { rollingBallBackground, subtractBackground } from '../../../src/engine/ops/background.js';
import { median } from '../../../src/engine/ops/median.js';
import { binaryClosing, binaryOpening, dilate, erode } from '../../../src/engine/ops/morphology.js';
import type { Mask } from '../../../src/engine/types.js';
import { diffArrays, type GoldenImage, loadGolden, toPlane } from './golden-helpers.js';

interface Expected {
  median_disk2: number[];
  median_square1: number[];
  tophat_disk5: number[];
  rollingball_bg_5: number[];
  rollingball_bg_12: number[];
}
interface Binary {
  width: number;
  height: number;
  mask: number[];
  [k: string]: number[] | number;
}
const golden = loadGolden<{
  versions: Record<string, string>;
  images: Record<string, GoldenImage>;
  expected: Record<string, Expected> & { binary: Binary };
}>('filters.json');

describe(`filters match scikit-image ${golden.versions.skimage}`, () => {
  for (const [name, img] of Object.entries(golden.images)) {
    const plane = toPlane(img);
    const exp = golden.expected[name] as Expected;
    const tol = img.dtype === 'float32' ? 1e-6 : 0;
    it(`${name}: median (disc radius 2 and 3x3 square) equals skimage.filters.median`, () => {
      const d = median(plane, 2);
      expect(d.data.constructor).toBe(plane.data.constructor);
      expect(diffArrays(d.data, exp.median_disk2, img.width, tol)).toBeNull();
      expect(diffArrays(median(plane, 1, { shape: 'square' }).data, exp.median_square1, img.width, tol)).toBeNull();
    });
    it(`${name}: white top-hat (disc 5) equals skimage.morphology.white_tophat`, () => {
      const t = subtractBackground(plane, { method: 'tophat', radius: 5 });
      expect(diffArrays(t.data, exp.tophat_disk5, img.width, img.dtype === 'float32' ? 1e-5 : 0)).toBeNull();
    });
    it(`${name}: rolling-ball background (radius 5, exact) equals skimage.restoration.rolling_ball`, () => {
      const bg = rollingBallBackground(plane, 5);
      const asStored = img.dtype === 'float32' ? bg : bg.map(Math.floor);
      expect(diffArrays(asStored, exp.rollingball_bg_5, img.width, img.dtype === 'float32' ? 1e-5 : 0)).toBeNull();
      const sub = subtractBackground(plane, { method: 'rolling-ball', radius: 5 });
      const want = plane.data.map((v, i) => v - exp.rollingball_bg_5[i]!);
      expect(diffArrays(sub.data, want, img.width, img.dtype === 'float32' ? 1e-5 : 0)).toBeNull();
    });
    it(`${name}: rolling-ball radius 12 (shrunk 2x) stays close to skimage`, () => {
      const bg = rollingBallBackground(plane, 12);
      const want = exp.rollingball_bg_12;
      let sumAbs = 0;
      let range = 0;
      let lo = Number.POSITIVE_INFINITY;
      for (let i = 0; i < want.length; i++) {
        sumAbs += Math.abs(bg[i]! - want[i]!);
        lo = Math.min(lo, plane.data[i]!);
        range = Math.max(range, plane.data[i]!);
      }
      range -= lo;
      // mean deviation under 3% of the image's intensity range
      expect(sumAbs / want.length).toBeLessThan(0.03 * range);
    });
  }

  const b = golden.expected.binary;
  const mask: Mask = { width: b.width, height: b.height, data: Uint8Array.from(b.mask) };
  for (const r of [1, 2, 3]) {
    it(`binary erosion/dilation/opening/closing with disk(${r}) equal skimage.morphology.binary_*`, () => {
      expect(diffArrays(erode(mask, r).data, b[`erosion_${r}`] as number[], b.width)).toBeNull();
      expect(diffArrays(dilate(mask, r).data, b[`dilation_${r}`] as number[], b.width)).toBeNull();
      expect(diffArrays(binaryOpening(mask, r).data, b[`opening_${r}`] as number[], b.width)).toBeNull();
      expect(diffArrays(binaryClosing(mask, r).data, b[`closing_${r}`] as number[], b.width)).toBeNull();
    });
  }
});
