/**
 * Li's iterative minimum cross-entropy threshold, as `skimage.filters.threshold_li` (0.19).
 *
 * @see C.H. Li and C.K. Lee, "Minimum cross entropy thresholding", Pattern Recognition 26(4):617-625 (1993).
 * @see C.H. Li and P.K.S. Tam, "An iterative algorithm for minimum cross entropy thresholding",
 *   Pattern Recognition Letters 18(8):771-776 (1998).
 */
import type { PlaneData } from '../../types.js';
import { histogram, valueRange } from './otsu.js';

export interface LiOptions {
  /** Only pixels where mask is non-zero are used. */
  mask?: Uint8Array;
  /** Stop when the threshold moves less than this. Default: 0.5 for integer data, half the smallest gap between values for float. */
  tolerance?: number;
  /** Start of the iteration (default: the mean). A start near the answer avoids local optima on multimodal histograms. */
  initialGuess?: number;
}

/**
 * Li's threshold of `values`. Foreground is `value > threshold`. A constant image returns its value;
 * an empty (fully masked) one NaN. NaN pixels are ignored.
 * Integer data iterates on the histogram (one bin per value), float data on the pixels, as scikit-image does.
 */
export function liThreshold(values: PlaneData | Float32Array, o: LiOptions = {}): number {
  const { mask } = o;
  const [lo, hi] = valueRange(values, mask);
  if (!(hi >= lo)) return Number.NaN;
  if (lo === hi) return lo;
  const integer = values instanceof Uint8Array || values instanceof Uint16Array;
  let tNext: number;
  if (o.initialGuess !== undefined) {
    tNext = o.initialGuess - lo;
    if (!(tNext > 0 && tNext < hi - lo)) tNext = meanOf(values, mask) - lo;
  } else {
    tNext = meanOf(values, mask) - lo;
  }
  if (integer) {
    const tol = o.tolerance ?? 0.5;
    // histogram of (value - lo): centres 0..hi-lo
    const { counts } = histogram(values, mask ? { mask } : {});
    const n = counts.length;
    let tCurr = -2 * tol;
    let guard = 0;
    while (Math.abs(tNext - tCurr) > tol && guard++ < 1000) {
      tCurr = tNext;
      let wf = 0;
      let sf = 0;
      let wb = 0;
      let sb = 0;
      for (let b = 0; b < n; b++) {
        const c = counts[b]!;
        if (b > tCurr) {
          wf += c;
          sf += c * b;
        } else {
          wb += c;
          sb += c * b;
        }
      }
      if (wf === 0 || wb === 0) break;
      const mf = sf / wf;
      const mb = sb / wb;
      tNext = (mb - mf) / (Math.log(mb) - Math.log(mf));
    }
    return tNext + lo;
  }
  const tol = o.tolerance ?? minGap(values, mask) / 2;
  let tCurr = -2 * tol;
  let guard = 0;
  const len = values.length;
  while (Math.abs(tNext - tCurr) > tol && guard++ < 1000) {
    tCurr = tNext;
    const cut = tCurr + lo;
    let wf = 0;
    let sf = 0;
    let wb = 0;
    let sb = 0;
    for (let i = 0; i < len; i++) {
      if (mask && mask[i] === 0) continue;
      const v = values[i]!;
      if (Number.isNaN(v)) continue;
      if (v > cut) {
        wf++;
        sf += v - lo;
      } else {
        wb++;
        sb += v - lo;
      }
    }
    if (wf === 0 || wb === 0) break;
    const mf = sf / wf;
    const mb = sb / wb;
    tNext = (mb - mf) / (Math.log(mb) - Math.log(mf));
  }
  return tNext + lo;
}

function meanOf(values: PlaneData | Float32Array, mask?: Uint8Array): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    s += v;
    c++;
  }
  return s / c;
}

/** Smallest positive difference between distinct values (sorts a copy; float data only). */
function minGap(values: PlaneData | Float32Array, mask?: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (mask?.[i] !== 0) m++;
  const s = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (mask?.[i] !== 0) s[k++] = values[i]!;
  s.sort();
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < m; i++) {
    const d = s[i]! - s[i - 1]!;
    if (d > 0 && d < gap) gap = d;
  }
  return Number.isFinite(gap) ? gap : 0;
}
