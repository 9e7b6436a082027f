/**
 * Otsu's threshold and the histogram every histogram-based threshold method shares.
 * Binning follows scikit-image 0.19 (`skimage.exposure.histogram` with source_range='image'):
 * integer data gets one bin per integer value between the minimum and maximum present;
 * float data gets `nbins` (256) equal bins over [min, max], bin centres as numpy computes them.
 * Foreground is `value > threshold` (scikit-image convention).
 *
 * @see N. Otsu, "A threshold selection method from gray-level histograms",
 *   IEEE Trans. Syst. Man Cybern. 9(1):62-66 (1979).
 */
import type { PlaneData } from '../../types.js';

export interface HistogramOptions {
  /** Number of bins for float data (integer data always gets one bin per value). Default 256. */
  nbins?: number;
  /** Only pixels where mask is non-zero are counted. */
  mask?: Uint8Array;
}

export interface Histogram {
  counts: Float64Array;
  centers: Float64Array;
}

function isIntegerData(values: PlaneData | Float32Array): boolean {
  return values instanceof Uint8Array || values instanceof Uint16Array;
}

/** Minimum and maximum of the (masked) values; NaN pixels are ignored. */
export function valueRange(values: PlaneData | Float32Array, mask?: Uint8Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Histogram with scikit-image's binning (see file comment). Empty input gives empty arrays. */
export function histogram(values: PlaneData | Float32Array, o: HistogramOptions = {}): Histogram {
  const { mask } = o;
  const [lo, hi] = valueRange(values, mask);
  if (!(hi >= lo)) return { counts: new Float64Array(0), centers: new Float64Array(0) };
  const n = values.length;
  if (isIntegerData(values)) {
    const size = hi - lo + 1;
    const counts = new Float64Array(size);
    if (mask) {
      for (let i = 0; i < n; i++)
        if (mask[i] !== 0) {
          const b = values[i]! - lo;
          counts[b] = counts[b]! + 1;
        }
    } else {
      for (let i = 0; i < n; i++) {
        const b = values[i]! - lo;
        counts[b] = counts[b]! + 1;
      }
    }
    const centers = new Float64Array(size);
    for (let b = 0; b < size; b++) centers[b] = lo + b;
    return { counts, centers };
  }
  const nbins = o.nbins ?? 256;
  const counts = new Float64Array(nbins);
  const centers = new Float64Array(nbins);
  const width = hi - lo;
  if (width === 0) {
    // numpy widens a zero range to [v - 0.5, v + 0.5]
    for (let b = 0; b < nbins; b++) centers[b] = lo - 0.5 + (b + 0.5) / nbins;
    let c = 0;
    for (let i = 0; i < n; i++) if (mask?.[i] !== 0) c++;
    counts[nbins >> 1] = c;
    return { counts, centers };
  }
  const scale = nbins / width;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= nbins) b = nbins - 1;
    counts[b] = counts[b]! + 1;
  }
  for (let b = 0; b < nbins; b++) {
    const e0 = lo + (width * b) / nbins;
    const e1 = lo + (width * (b + 1)) / nbins;
    centers[b] = (e0 + e1) / 2;
  }
  return { counts, centers };
}

/** Otsu's threshold of a histogram: the bin centre maximising the between-class variance. */
export function otsuFromHistogram(h: Histogram): number {
  const { counts, centers } = h;
  const n = counts.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return centers[0]!;
  let total = 0;
  let sum = 0;
  for (let b = 0; b < n; b++) {
    total += counts[b]!;
    sum += counts[b]! * centers[b]!;
  }
  // class 1 = bins 0..b, class 2 = bins b+1..n-1; as skimage, first maximum wins
  let w1 = 0;
  let s1 = 0;
  let best = -1;
  let bestIdx = 0;
  for (let b = 0; b < n - 1; b++) {
    w1 += counts[b]!;
    s1 += counts[b]! * centers[b]!;
    const w2 = total - w1;
    if (w1 === 0 || w2 === 0) continue;
    const d = s1 / w1 - (sum - s1) / w2;
    const v = w1 * w2 * d * d;
    if (v > best) {
      best = v;
      bestIdx = b;
    }
  }
  return centers[bestIdx]!;
}

/**
 * Otsu's threshold of `values` (as skimage.filters.threshold_otsu). A constant image returns its
 * value (nothing is foreground). Foreground is `value > threshold`.
 */
export function otsuThreshold(values: PlaneData | Float32Array, o: HistogramOptions = {}): number {
  const [lo, hi] = valueRange(values, o.mask);
  if (lo === hi) return lo;
  return otsuFromHistogram(histogram(values, o));
}
