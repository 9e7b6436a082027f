/**
 * Triangle threshold, as `skimage.filters.threshold_triangle` (0.19): the histogram level farthest
 * from the line joining the histogram peak to the end of its longer tail.
 *
 * @see G.W. Zack, W.E. Rogers and S.A. Latt, "Automatic measurement of sister chromatid exchange
 *   frequency", J. Histochem. Cytochem. 25(7):741-753 (1977).
 */
import type { PlaneData } from '../../types.js';
import { type Histogram, type HistogramOptions, histogram } from './otsu.js';

/** Triangle threshold of a histogram (skimage's binning). Foreground is `value > threshold`. */
export function triangleFromHistogram(h: Histogram): number {
  const { counts, centers } = h;
  const nbins = counts.length;
  if (nbins === 0) return Number.NaN;
  let peak = 0;
  let lowIdx = -1;
  let highIdx = -1;
  for (let b = 0; b < nbins; b++) {
    const c = counts[b]!;
    if (c > counts[peak]!) peak = b;
    if (c > 0) {
      if (lowIdx < 0) lowIdx = b;
      highIdx = b;
    }
  }
  if (lowIdx < 0) return centers[0]!;
  // flip when the left tail is shorter, so the long tail is always on the left
  const flip = peak - lowIdx < highIdx - peak;
  const at = (i: number): number => (flip ? counts[nbins - 1 - i]! : counts[i]!);
  const low = flip ? nbins - highIdx - 1 : lowIdx;
  const pk = flip ? nbins - peak - 1 : peak;
  const width = pk - low;
  if (width <= 0) return centers[peak]!;
  const norm = Math.sqrt(counts[peak]! * counts[peak]! + width * width);
  const ph = counts[peak]! / norm;
  const wn = width / norm;
  let best = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let x = 0; x < width; x++) {
    const len = ph * x - wn * at(x + low);
    if (len > best) {
      best = len;
      arg = x;
    }
  }
  let level = arg + low;
  if (flip) level = nbins - level - 1;
  return centers[level]!;
}

/** Triangle threshold of `values`. Integer data: one bin per value; float: `nbins` (256) bins. */
export function triangleThreshold(values: PlaneData | Float32Array, o: HistogramOptions = {}): number {
  return triangleFromHistogram(histogram(values, o));
}
