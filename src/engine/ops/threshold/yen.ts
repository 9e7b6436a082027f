/**
 * Yen's threshold, as `skimage.filters.threshold_yen` (0.19): maximises Yen's entropic correlation
 * of the two classes. Computed in float32 like scikit-image so ties resolve the same way.
 *
 * @see J.C. Yen, F.J. Chang and S. Chang, "A new criterion for automatic multilevel thresholding",
 *   IEEE Trans. Image Process. 4(3):370-378 (1995).
 */
import type { PlaneData } from '../../types.js';
import { type Histogram, type HistogramOptions, histogram } from './otsu.js';

const f = Math.fround;

/** Yen's threshold of a histogram. Foreground is `value > threshold`. */
export function yenFromHistogram(h: Histogram): number {
  const { counts, centers } = h;
  const n = counts.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return centers[0]!;
  let total = 0;
  for (let b = 0; b < n; b++) total += counts[b]!;
  const pmf = new Float64Array(n);
  for (let b = 0; b < n; b++) pmf[b] = f(f(counts[b]!) / total);
  const p1 = new Float64Array(n);
  const p1sq = new Float64Array(n);
  const p2sq = new Float64Array(n);
  let a = 0;
  let s = 0;
  for (let b = 0; b < n; b++) {
    a = f(a + pmf[b]!);
    s = f(s + f(pmf[b]! * pmf[b]!));
    p1[b] = a;
    p1sq[b] = s;
  }
  s = 0;
  for (let b = n - 1; b >= 0; b--) {
    s = f(s + f(pmf[b]! * pmf[b]!));
    p2sq[b] = s;
  }
  let best = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let b = 0; b < n - 1; b++) {
    const inv = f(1 / f(p1sq[b]! * p2sq[b + 1]!));
    const q = f(p1[b]! * f(1 - p1[b]!));
    const crit = f(Math.log(f(inv * f(q * q))));
    // numpy's argmax returns the first NaN if any, otherwise the first maximum
    if (Number.isNaN(crit)) return centers[b]!;
    if (crit > best) {
      best = crit;
      arg = b;
    }
  }
  return centers[arg]!;
}

/** Yen's threshold of `values`. Integer data: one bin per value; float: `nbins` (256) bins. */
export function yenThreshold(values: PlaneData | Float32Array, o: HistogramOptions = {}): number {
  return yenFromHistogram(histogram(values, o));
}
