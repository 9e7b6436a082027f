/**
 * CellProfiler's power-spectrum blur metric (MeasureImageQuality "PowerLogLogSlope"): the slope of
 * log(power) against log(spatial frequency) of the radially summed power spectrum. Blur removes
 * high frequencies, so the slope gets more negative. Only the low frequencies CellProfiler uses
 * (radius < ~min(H, W)/12) are computed, by a direct DFT of just those rows/columns.
 */
import type { PlaneData } from '../types.js';
import { medianInPlace } from './robust.js';

/**
 * Power-log-log slope as CellProfiler 4 `MeasureImageQuality` computes it with
 * `centrosome.radial_power_spectrum.rps`: the image is divided by its mean absolute deviation
 * from the median (intensity invariant), the mean is removed, frequencies are binned by
 * floor(r / (min(H,W)/8) * 100) + 1 with r = √(i² + j²), i = min(i, H-1-i), j = min(j, W-1-j)
 * (CellProfiler's folding), bins 2 .. floor(min(H,W)/8) - 1 are kept, and a least-squares line is
 * fitted to log(power sum) vs log(bin). Constant images and images under 24 px give 0.
 * @see Bray et al., J Biomol Screen 17:266 (2012) (blur metric recommendation);
 *   Field, J Opt Soc Am A 4:2379 (1987) (1/f power spectra of natural images).
 */
export function powerLogLogSlope(values: PlaneData | Float32Array | Float64Array, w: number, h: number): number {
  const maxwidth = Math.min(w, h) / 8;
  const nLab = Math.floor(maxwidth);
  if (nLab <= 2) return 0;
  const n = w * h;
  let mean = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    mean += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  mean /= n;
  if (!(hi > lo)) return 0;
  // median(|img - mean|) as the scale (numpy median).
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(values[i]! - mean);
  const scale = medianInPlace(dev);
  const inv = scale > 0 ? 1 / scale : 1;
  // Largest folded radius that lands in a kept bin: floor(r/maxwidth*100)+1 <= nLab-1.
  const rMax = ((nLab - 1) * maxwidth) / 100;
  const R = Math.ceil(rMax) + 1;
  // Column frequencies needed: 0..R (positive) and their negatives (conjugates for real input).
  const nj = Math.min(R + 1, w);
  const cosW = new Float64Array(w);
  const sinW = new Float64Array(w);
  for (let k = 0; k < w; k++) {
    cosW[k] = Math.cos((2 * Math.PI * k) / w);
    sinW[k] = Math.sin((2 * Math.PI * k) / w);
  }
  // G[y][j] = sum_x f[y][x] e^{-2πi j x / w}, f = (img - mean) / scale
  const gRe = new Float64Array(h * nj);
  const gIm = new Float64Array(h * nj);
  const row = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) row[x] = (values[o + x]! - mean) * inv;
    for (let j = 0; j < nj; j++) {
      let re = 0;
      let im = 0;
      let idx = 0;
      for (let x = 0; x < w; x++) {
        const v = row[x]!;
        re += v * cosW[idx]!;
        im -= v * sinW[idx]!;
        idx += j;
        if (idx >= w) idx -= w;
      }
      gRe[y * nj + j] = re;
      gIm[y * nj + j] = im;
    }
  }
  const cosH = new Float64Array(h);
  const sinH = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    cosH[k] = Math.cos((2 * Math.PI * k) / h);
    sinH[k] = Math.sin((2 * Math.PI * k) / h);
  }
  const magSum = new Float64Array(nLab);
  const powSum = new Float64Array(nLab);
  // Row frequency index u in [0, h): folded ri = min(u, h-1-u); the signed frequency of u is u (u < h/2) or u-h.
  const rows: number[] = [];
  for (let u = 0; u < h; u++) if (Math.min(u, h - 1 - u) <= rMax) rows.push(u);
  const cols: number[] = [];
  for (let v = 0; v < w; v++) if (Math.min(v, w - 1 - v) <= rMax) cols.push(v);
  for (const u of rows) {
    const ri = Math.min(u, h - 1 - u);
    for (const v of cols) {
      const cj = Math.min(v, w - 1 - v);
      const bin = Math.floor((Math.sqrt(ri * ri + cj * cj) / maxwidth) * 100) + 1;
      if (bin < 2 || bin >= nLab) continue;
      // F[u][v] = sum_y G[y][v] e^{-2πi u y / h}; for v > w/2 use G[y][w-v] conjugated (real input).
      const neg = v > w - v;
      const jj = neg ? w - v : v;
      if (jj >= nj) continue;
      let re = 0;
      let im = 0;
      let idx = 0;
      for (let y = 0; y < h; y++) {
        const gr = gRe[y * nj + jj]!;
        const gi = neg ? -gIm[y * nj + jj]! : gIm[y * nj + jj]!;
        const c = cosH[idx]!;
        const s = sinH[idx]!;
        re += gr * c + gi * s;
        im += gi * c - gr * s;
        idx += u;
        if (idx >= h) idx -= h;
      }
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
