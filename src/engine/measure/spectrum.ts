/**
 * CellProfiler's power-spectrum blur metric (MeasureImageQuality "PowerLogLogSlope"): the slope of
 * log(power) against log(spatial frequency) of the radially summed power spectrum. Blur removes
 * high frequencies, so the slope gets more negative. Only the low frequencies CellProfiler uses
 * (radius < ~min(H, W)/12) are computed, by a direct DFT of just those rows/columns.
 */
import type { PlaneData } from '../types.js';
import { histMedianAbsDev, intHistogram, medianInPlace } from './robust.js';

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
  let scale: number;
  if (values instanceof Uint8Array || values instanceof Uint16Array) {
    const h0 = intHistogram(values);
    scale = histMedianAbsDev(h0.counts, h0.lo, mean);
  } else {
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
  // G[y][j] = sum_x f[y][x] e^{-2πi j x / w}, f = (img - mean) / scale, by Goertzel's recurrence
  // (one multiply-add per sample and frequency), two frequencies per pass.
  const gRe = new Float64Array(h * nj);
  const gIm = new Float64Array(h * nj);
  const row = new Float64Array(w);
  const g16 = new Float64Array(16);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) row[x] = (values[o + x]! - mean) * inv;
    for (let j = 0; j < nj; j += 8) {
      goertzelOct(row, w, j, nj - 1, g16);
      for (let q = 0; q < 8 && j + q < nj; q++) {
        gRe[y * nj + j + q] = g16[2 * q]!;
        gIm[y * nj + j + q] = g16[2 * q + 1]!;
      }
    }
  }
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
  // Column transforms: F[u][j] = sum_y G[y][j] e^{-2πi u y / h} for the needed u, each j in 0..nj-1,
  // on the real and imaginary parts separately (the transform is linear).
  const colRe = new Float64Array(h);
  const colIm = new Float64Array(h);
  const fRe = new Float64Array(rows.length * nj);
  const fIm = new Float64Array(rows.length * nj);
  const pa = new Float64Array(4);
  const pb = new Float64Array(4);
  for (let j = 0; j < nj; j++) {
    for (let y = 0; y < h; y++) {
      colRe[y] = gRe[y * nj + j]!;
      colIm[y] = gIm[y * nj + j]!;
    }
    for (let r = 0; r < rows.length; r += 2) {
      const r2 = Math.min(r + 1, rows.length - 1);
      // A = DFT(colRe), B = DFT(colIm) at rows r and r2; F = A + iB
      goertzelPair(colRe, h, rows[r]!, rows[r2]!, pa);
      goertzelPair(colIm, h, rows[r]!, rows[r2]!, pb);
      fRe[r * nj + j] = pa[0]! - pb[1]!;
      fIm[r * nj + j] = pa[1]! + pb[0]!;
      fRe[r2 * nj + j] = pa[2]! - pb[3]!;
      fIm[r2 * nj + j] = pa[3]! + pb[2]!;
    }
  }
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

/**
 * DFT bins k1 and k2 of real x[0..n) by Goertzel's recurrence (one multiply-add per sample and
 * bin; two bins per pass): out = [re(k1), im(k1), re(k2), im(k2)].
 * @see G. Goertzel, Amer. Math. Monthly 65:34 (1958)
 */
function goertzelPair(x: Float64Array, n: number, k1: number, k2: number, out: Float64Array): void {
  const w1 = (2 * Math.PI * k1) / n;
  const w2 = (2 * Math.PI * k2) / n;
  const c1 = 2 * Math.cos(w1);
  const c2 = 2 * Math.cos(w2);
  let a1 = 0;
  let a2 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const a0 = v + c1 * a1 - a2;
    a2 = a1;
    a1 = a0;
    const b0 = v + c2 * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  // one more step with input 0, then X = s_N - e^{-iω} s_{N-1}
  out[0] = c1 * a1 - a2 - Math.cos(w1) * a1;
  out[1] = Math.sin(w1) * a1;
  out[2] = c2 * b1 - b2 - Math.cos(w2) * b1;
  out[3] = Math.sin(w2) * b1;
}

/**
 * As {@link goertzelPair} for the eight bins k0 .. k0+7 (capped at kMax) per pass (eight independent
 * recurrences keep the processor busy): out = [re(k0), im(k0), ..., re(k0+7), im(k0+7)].
 */
function goertzelOct(x: Float64Array, n: number, k0: number, kMax: number, out: Float64Array): void {
  const w = new Float64Array(8);
  for (let q = 0; q < 8; q++) w[q] = (2 * Math.PI * Math.min(k0 + q, kMax)) / n;
  const c0 = 2 * Math.cos(w[0]!);
  const c1 = 2 * Math.cos(w[1]!);
  const c2 = 2 * Math.cos(w[2]!);
  const c3 = 2 * Math.cos(w[3]!);
  const c4 = 2 * Math.cos(w[4]!);
  const c5 = 2 * Math.cos(w[5]!);
  const c6 = 2 * Math.cos(w[6]!);
  const c7 = 2 * Math.cos(w[7]!);
  let a1 = 0;
  let a2 = 0;
  let b1 = 0;
  let b2 = 0;
  let d1 = 0;
  let d2 = 0;
  let e1 = 0;
  let e2 = 0;
  let f1 = 0;
  let f2 = 0;
  let g1 = 0;
  let g2 = 0;
  let h1 = 0;
  let h2 = 0;
  let i1 = 0;
  let i2 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const a0 = v + c0 * a1 - a2;
    const b0 = v + c1 * b1 - b2;
    const d0 = v + c2 * d1 - d2;
    const e0 = v + c3 * e1 - e2;
    const f0 = v + c4 * f1 - f2;
    const g0 = v + c5 * g1 - g2;
    const h0 = v + c6 * h1 - h2;
    const i0 = v + c7 * i1 - i2;
    a2 = a1;
    a1 = a0;
    b2 = b1;
    b1 = b0;
    d2 = d1;
    d1 = d0;
    e2 = e1;
    e1 = e0;
    f2 = f1;
    f1 = f0;
    g2 = g1;
    g1 = g0;
    h2 = h1;
    h1 = h0;
    i2 = i1;
    i1 = i0;
  }
  const s1 = [a1, b1, d1, e1, f1, g1, h1, i1];
  const s2 = [a2, b2, d2, e2, f2, g2, h2, i2];
  for (let q = 0; q < 8; q++) {
    const cw = Math.cos(w[q]!);
    out[2 * q] = 2 * cw * s1[q]! - s2[q]! - cw * s1[q]!;
    out[2 * q + 1] = Math.sin(w[q]!) * s1[q]!;
  }
}
