/**
 * CellProfiler's power-spectrum blur metric (MeasureImageQuality "PowerLogLogSlope"): the slope of
 * log(power) against log(spatial frequency) of the radially summed power spectrum. Blur removes
 * high frequencies, so the slope gets more negative. Only the low frequencies CellProfiler uses
 * (radius < ~min(H, W)/12) are computed (./spectrum-transform.ts).
 */
import type { PlaneData } from '../types.js';
import { histMedianAbsDev, type IntHistogram, intHistogram, medianInPlace } from './robust.js';
import { lowFrequencies } from './spectrum-transform.js';

/**
 * Power-log-log slope as CellProfiler 4 `MeasureImageQuality` computes it with
 * `centrosome.radial_power_spectrum.rps`: the image is divided by its mean absolute deviation
 * from the median (intensity invariant), the mean is removed, frequencies are binned by
 * floor(r / (min(H,W)/8) * 100) + 1 with r = √(i² + j²), i = min(i, H-1-i), j = min(j, W-1-j)
 * (CellProfiler's folding), bins 2 .. floor(min(H,W)/8) - 1 are kept, and a least-squares line is
 * fitted to log(power sum) vs log(bin). Constant images and images under 24 px give 0.
 * `hist`: `intHistogram(values)` of 8/16-bit data, when the caller has it.
 * @see Bray et al., J Biomol Screen 17:266 (2012) (blur metric recommendation);
 *   Field, J Opt Soc Am A 4:2379 (1987) (1/f power spectra of natural images).
 */
export function powerLogLogSlope(values: PlaneData | Float32Array | Float64Array, w: number, h: number, hist?: IntHistogram): number {
  const maxwidth = Math.min(w, h) / 8;
  const nLab = Math.floor(maxwidth);
  if (nLab <= 2) return 0;
  const n = w * h;
  const isInt = values instanceof Uint8Array || values instanceof Uint16Array;
  // 8/16-bit data: mean, range and scale from the histogram (the caller's, when it has one)
  const counts = isInt ? (hist ?? intHistogram(values)) : undefined;
  let mean = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (counts) {
    // integer sums are exact, so this is the same mean as summing the pixels
    for (let b = 0; b < counts.counts.length; b++) mean += counts.counts[b]! * (counts.lo + b);
    lo = counts.lo;
    hi = counts.lo + counts.counts.length - 1;
  } else {
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      mean += v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  mean /= n;
  if (!(hi > lo)) return 0;
  // median(|img - mean|) as the scale (numpy median).
  let scale: number;
  if (counts) scale = histMedianAbsDev(counts.counts, counts.lo, mean);
  else {
    const dev = new Float64Array(n);
    for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i]! - mean);
    scale = medianInPlace(dev);
  }
  const inv = scale > 0 ? 1 / scale : 1;
  // Largest folded radius that lands in a kept bin: floor(r/maxwidth*100)+1 <= nLab-1.
  const rMax = ((nLab - 1) * maxwidth) / 100;
  const R = Math.ceil(rMax) + 1;
  // Column frequencies needed: 0..R (positive) and their negatives (conjugates for real input).
  const nj = Math.min(R + 1, w);
  // Row frequency index u in [0, h): folded ri = min(u, h-1-u). Also the mirrored rows (h-u) % h,
  // whose values stand in for the negative column frequencies (see below).
  const wanted = new Uint8Array(h);
  for (let u = 0; u < h; u++) {
    if (Math.min(u, h - 1 - u) <= rMax) {
      wanted[u] = 1;
      wanted[(h - u) % h] = 1;
    }
  }
  const rows: number[] = [];
  for (let u = 0; u < h; u++) if (wanted[u]) rows.push(u);
  const cols: number[] = [];
  for (let v = 0; v < w; v++) if (Math.min(v, w - 1 - v) <= rMax) cols.push(v);
  // The transform of f = (img - mean) / scale at the column frequencies 0..nj-1 and the needed
  // row frequencies (./spectrum-transform.ts: Goertzel's recurrence or FFTs, by size)
  const { re: fRe, im: fIm } = lowFrequencies(values, w, h, mean, inv, nj, rows);
  const magSum = new Float64Array(nLab);
  const powSum = new Float64Array(nLab);
  for (let r = 0; r < rows.length; r++) {
    const u = rows[r]!;
    const ri = Math.min(u, h - 1 - u);
    if (ri > rMax) continue; // a mirror-only row
    for (const v of cols) {
      const cj = Math.min(v, w - 1 - v);
      const bin = Math.floor((Math.sqrt(ri * ri + cj * cj) / maxwidth) * 100) + 1;
      if (bin < 2 || bin >= nLab) continue;
      // For v > w/2 (negative frequency v - w): F[u][v] = conj(F[-u][w-v]) for real input;
      // F[-u] is row index h-u (or 0). Its |F|^2 is what we need, so use |F[(h-u) % h][w-v]|^2.
      const neg = v > w - v;
      const jj = neg ? w - v : v;
      const uu = neg ? (h - u) % h : u;
      const rr = neg ? rowIndex(rows, uu) : r;
      if (jj >= nj || rr < 0) continue;
      const re = fRe[rr * nj + jj]!;
      const im = fIm[rr * nj + jj]!;
      const p = re * re + im * im;
      magSum[bin]! += Math.sqrt(p);
      powSum[bin]! += p;
    }
  }
  // Least squares of log(power) on log(radius) over bins with magnitude > 0.
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let m = 0;
  for (let b = 2; b < nLab; b++) {
    if (!(magSum[b]! > 0)) continue;
    const lx = Math.log(b);
    const ly = Math.log(powSum[b]!);
    if (!Number.isFinite(ly)) continue;
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    m++;
  }
  if (m < 2) return 0;
  const den = m * sxx - sx * sx;
  return den !== 0 ? (m * sxy - sx * sy) / den : 0;
}

/** Position of u in the ascending list `rows`, or -1. */
function rowIndex(rows: number[], u: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] === u) return mid;
    if (rows[mid]! < u) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
