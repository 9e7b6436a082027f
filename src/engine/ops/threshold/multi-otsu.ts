/**
 * Multi-level Otsu thresholds, as `skimage.filters.threshold_multiotsu` (0.19): the `classes - 1`
 * thresholds maximising the between-class variance, found by exhaustive search over a lookup table
 * (Liao et al.). Arithmetic is float32 and the LUT quirks are kept, so thresholds equal scikit-image's.
 *
 * @see P-S. Liao, T-S. Chen and P-C. Chung, "A fast algorithm for multilevel thresholding",
 *   J. Inf. Sci. Eng. 17(5):713-727 (2001).
 */
import { UserError } from '../../errors.js';
import type { PlaneData } from '../../types.js';
import { type Histogram, type HistogramOptions, histogram } from './otsu.js';

const f = Math.fround;

/** Histograms with more bins than this are merged into this many equal bins before the O(bins²) search. */
export const MULTI_OTSU_MAX_BINS = 4096;

export interface MultiOtsuOptions extends HistogramOptions {
  /** Number of classes: 2 or 3 (default 3). */
  classes?: number;
}

/**
 * Merge a histogram into at most `max` bins of consecutive levels (counts summed). A merged bin's
 * value is the highest level present in it, so `value > threshold` never splits a merged bin.
 */
function mergeBins(h: Histogram, max: number): Histogram {
  const n = h.counts.length;
  if (n <= max) return h;
  const counts = new Float64Array(max);
  const centers = new Float64Array(max);
  for (let b = 0; b < n; b++) {
    const k = Math.min(max - 1, Math.floor((b * max) / n));
    counts[k] = counts[k]! + h.counts[b]!;
    if (h.counts[b]! > 0 || centers[k] === 0) centers[k] = h.centers[b]!;
  }
  return { counts, centers };
}

/**
 * Thresholds (ascending) splitting the histogram into `classes` classes. Pixels with value
 * `<= t[0]` are class 0, `t[0] < v <= t[1]` class 1, and so on.
 * Throws a UserError when the image has fewer distinct values than classes.
 */
export function multiOtsuFromHistogram(hIn: Histogram, classes = 3): number[] {
  if (classes !== 2 && classes !== 3) throw new UserError(`multi-Otsu supports 2 or 3 classes, not ${classes}`, 'use 2 or 3 classes');
  const h = mergeBins(hIn, MULTI_OTSU_MAX_BINS);
  const nbins = h.counts.length;
  let total = 0;
  for (let b = 0; b < nbins; b++) total += h.counts[b]!;
  const prob = new Float64Array(nbins);
  let nvalues = 0;
  for (let b = 0; b < nbins; b++) {
    prob[b] = f(h.counts[b]! / total);
    if (prob[b]! > 0) nvalues++;
  }
  if (nvalues < classes) {
    throw new UserError(
      `the image has only ${nvalues} different values; it cannot be split into ${classes} classes`,
      'use a two-class threshold (otsu) for this image',
    );
  }
  if (nvalues === classes) {
    const out: number[] = [];
    for (let b = 0; b < nbins && out.length < classes - 1; b++) if (prob[b]! > 0) out.push(h.centers[b]!);
    return out;
  }
  // first rows of the zeroth/first moment LUTs (float32; first_moment[0] = prob[0] as in skimage)
  const p = new Float64Array(nbins);
  const s = new Float64Array(nbins);
  p[0] = prob[0]!;
  s[0] = prob[0]!;
  for (let i = 1; i < nbins; i++) {
    p[i] = f(p[i - 1]! + prob[i]!);
    s[i] = f(s[i - 1]! + f(i * prob[i]!));
  }
  // var(i, j) of class [i..j]; skimage's LUT leaves var(0, 0) at 0
  const v = (i: number, j: number): number => {
    if (i === 0) {
      if (j === 0) return 0;
      return p[j]! > 0 ? f(f(s[j]! * s[j]!) / p[j]!) : 0;
    }
    const w = f(p[j]! - p[i - 1]!);
    if (!(w > 0)) return 0;
    const m = f(s[j]! - s[i - 1]!);
    return f(f(m * m) / w);
  };
  if (classes === 2) {
    let best = 0;
    let arg = 0;
    for (let t0 = 0; t0 < nbins - 1; t0++) {
      const sigma = f(v(0, t0) + v(t0 + 1, nbins - 1));
      if (sigma > best) {
        best = sigma;
        arg = t0;
      }
    }
    return [h.centers[arg]!];
  }
  // three classes: rows of the LUT for the middle class are computed per t0 (no n² table)
  const last = new Float64Array(nbins + 1);
  for (let i = 1; i < nbins; i++) last[i] = v(i, nbins - 1);
  let best = 0;
  let a0 = 0;
  let a1 = 1;
  for (let t0 = 0; t0 < nbins - 2; t0++) {
    const first = v(0, t0);
    const i = t0 + 1;
    const pBase = p[i - 1]!;
    const sBase = s[i - 1]!;
    for (let t1 = t0 + 1; t1 < nbins - 1; t1++) {
      const w = f(p[t1]! - pBase);
      let mid = 0;
      if (w > 0) {
        const m = f(s[t1]! - sBase);
        mid = f(f(m * m) / w);
      }
      const sigma = f(f(first + last[t1 + 1]!) + mid);
      if (sigma > best) {
        best = sigma;
        a0 = t0;
        a1 = t1;
      }
    }
  }
  return [h.centers[a0]!, h.centers[a1]!];
}

/** Multi-Otsu thresholds of `values` (see {@link multiOtsuFromHistogram}). Integer data: one bin per value; float: 256 bins. */
export function multiOtsuThresholds(values: PlaneData | Float32Array, o: MultiOtsuOptions = {}): number[] {
  return multiOtsuFromHistogram(histogram(values, o), o.classes ?? 3);
}
