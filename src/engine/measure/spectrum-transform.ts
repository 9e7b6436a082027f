/**
 * The low-frequency corner of an image's 2-D DFT that the power-spectrum blur metric needs
 * (./spectrum.ts): F[u][j] = Σ_y Σ_x f[y][x] e^{-2πi (j x / w + u y / h)} for the column
 * frequencies j < nj and a list of row frequencies u, with f = (values - mean) * inv.
 *
 * Two ways, chosen per pass (rows, then columns) by the expected time:
 * - Goertzel's recurrence (WebAssembly kernels, src/engine/wasm/assembly/spectrum.ts): one step
 *   per sample and frequency. Cheapest when few frequencies are needed, as for a 696 x 520 field
 *   (44 of 696).
 * - An FFT of every row (two real rows per complex transform) or of every needed column
 *   (./fft.ts): about n log n per transform whatever the number of frequencies. The metric needs
 *   about min(H, W) / 12 of them, so the direct way grows as N^1.5: a 2048 x 2048 plane took
 *   4.6-4.9 s that way.
 */
import { doneWithScratch, withScratch } from '../wasm/kernels.js';
import { fftCost, fftPlan } from './fft.js';

/**
 * Whether transforms of length n beat `steps` Goertzel steps per transform: `fftCost` counts in
 * the time of one step of the kernels (0.42-0.52 ns per unit, 17 lengths from 97 to 4099, see
 * ./fft.ts). Planes measured (both passes by Goertzel / the choice made here): 696 x 520
 * 12.6 / 11.9 ms; 520 x 696 13.5 / 11.1 ms; 640 x 512 9.3 / 5.6 ms; 1024 x 1024 180 / 27 ms;
 * 1280 x 1080 209 / 30 ms; 2048 x 2048 4,092 / 142 ms; 1021 x 509 (prime sizes) keeps Goertzel, 13 ms.
 */
function fftIsFaster(n: number, steps: number): boolean {
  return fftCost(n) < steps;
}

/** Pixel values of a plane (any typed array). */
type Samples = ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> };

export interface LowFrequencies {
  /** F[r][j] at [r * nj + j] for the r-th requested row frequency. */
  re: Float64Array;
  im: Float64Array;
}

/**
 * See the file comment. `rows`: the row frequencies u (0 <= u < h), ascending. `byFft` sets the
 * way of each pass (true: FFT) instead of the expected time (for tests and measurements).
 */
export function lowFrequencies(
  values: Samples,
  w: number,
  h: number,
  mean: number,
  inv: number,
  nj: number,
  rows: readonly number[],
  byFft: { rows?: boolean; cols?: boolean } = {},
): LowFrequencies {
  const nr = rows.length;
  // rows: two real rows per complex FFT; columns: one complex FFT per column frequency, against
  // one real Goertzel per frequency on each of the real and imaginary parts
  const rowsByFft = byFft.rows ?? fftIsFaster(w, 2 * w * nj);
  const colsByFft = byFft.cols ?? fftIsFaster(h, 2 * h * nr);
  const g = rowsByFft ? fftRows(values, w, h, mean, inv, nj) : goertzelRows(values, w, h, mean, inv, nj);
  return colsByFft ? fftCols(g, h, nj, rows) : goertzelCols(g, h, nj, rows);
}

/** G[y][j] = Σ_x f[y][x] e^{-2πi j x / w}, j < nj, at [y * nj + j]: two real rows per complex FFT. */
function fftRows(values: ArrayLike<number>, w: number, h: number, mean: number, inv: number, nj: number): LowFrequencies {
  const fft = fftPlan(w);
  const re = new Float64Array(w);
  const im = new Float64Array(w);
  const gRe = new Float64Array(h * nj);
  const gIm = new Float64Array(h * nj);
  for (let y = 0; y < h; y += 2) {
    const a = y * w;
    const two = y + 1 < h;
    for (let x = 0; x < w; x++) re[x] = (values[a + x]! - mean) * inv;
    if (two) for (let x = 0; x < w; x++) im[x] = (values[a + w + x]! - mean) * inv;
    else im.fill(0);
    fft.transform(re, im);
    // Z = A + iB for real rows a, b: A[j] = (Z[j] + conj Z[w-j]) / 2, B[j] = (Z[j] - conj Z[w-j]) / 2i
    const o = y * nj;
    for (let j = 0; j < nj; j++) {
      const m = j === 0 ? 0 : w - j;
      const zr = re[j]!;
      const zi = im[j]!;
      const cr = re[m]!;
      const ci = im[m]!;
      gRe[o + j] = (zr + cr) / 2;
      gIm[o + j] = (zi - ci) / 2;
      if (two) {
        gRe[o + nj + j] = (zi + ci) / 2;
        gIm[o + nj + j] = (cr - zr) / 2;
      }
    }
  }
  return { re: gRe, im: gIm };
}

/** F[r][j] = Σ_y G[y][j] e^{-2πi u_r y / h}: one complex FFT of length h per column frequency j. */
function fftCols(g: LowFrequencies, h: number, nj: number, rows: readonly number[]): LowFrequencies {
  const fft = fftPlan(h);
  const re = new Float64Array(h);
  const im = new Float64Array(h);
  const nr = rows.length;
  const fRe = new Float64Array(nr * nj);
  const fIm = new Float64Array(nr * nj);
  for (let j = 0; j < nj; j++) {
    for (let y = 0; y < h; y++) {
      re[y] = g.re[y * nj + j]!;
      im[y] = g.im[y * nj + j]!;
    }
    fft.transform(re, im);
    for (let r = 0; r < nr; r++) {
      fRe[r * nj + j] = re[rows[r]!]!;
      fIm[r * nj + j] = im[rows[r]!]!;
    }
  }
  return { re: fRe, im: fIm };
}

/** G as `fftRows` gives it, by the kernels (values copied in as float64). */
function goertzelRows(values: Samples, w: number, h: number, mean: number, inv: number, nj: number): LowFrequencies {
  const n = w * h;
  const { k, at } = withScratch(8 * n, 24 * nj, 8 * h * nj, 8 * h * nj, 8 * w);
  const [pValues, pCoefRow, pGRe, pGIm, pRow] = at;
  new Float64Array(k.memory.buffer, pValues, n).set(values.subarray(0, n));
  goertzelTable(new Float64Array(k.memory.buffer, pCoefRow, 3 * nj), firstN(nj), w);
  k.goertzelRows(pValues, w, h, mean, inv, nj, pCoefRow, pGRe, pGIm, pRow);
  const re = new Float64Array(k.memory.buffer, pGRe, h * nj).slice();
  const im = new Float64Array(k.memory.buffer, pGIm, h * nj).slice();
  doneWithScratch();
  return { re, im };
}

/** F as `fftCols` gives it, by the kernels. */
function goertzelCols(g: LowFrequencies, h: number, nj: number, rows: readonly number[]): LowFrequencies {
  const nr = rows.length;
  const { k, at } = withScratch(8 * h * nj, 8 * h * nj, 24 * nr, 8 * nr * nj, 8 * nr * nj, 8 * h, 8 * h);
  const [pGRe, pGIm, pCoefCol, pFRe, pFIm, pColRe, pColIm] = at;
  new Float64Array(k.memory.buffer, pGRe, h * nj).set(g.re);
  new Float64Array(k.memory.buffer, pGIm, h * nj).set(g.im);
  goertzelTable(new Float64Array(k.memory.buffer, pCoefCol, 3 * nr), rows, h);
  k.goertzelCols(pGRe, pGIm, h, nj, nr, pCoefCol, pFRe, pFIm, pColRe, pColIm);
  const re = new Float64Array(k.memory.buffer, pFRe, nr * nj).slice();
  const im = new Float64Array(k.memory.buffer, pFIm, nr * nj).slice();
  doneWithScratch();
  return { re, im };
}

function firstN(n: number): number[] {
  return Array.from({ length: n }, (_, j) => j);
}

/**
 * Goertzel coefficients for the kernels: per frequency k of `ks`, [2 cos ω, cos ω, sin ω] with
 * ω = 2πk / n (JavaScript's Math.cos and Math.sin, so results do not depend on a second
 * implementation of them).
 * @see G. Goertzel, Amer. Math. Monthly 65:34 (1958)
 */
function goertzelTable(out: Float64Array, ks: readonly number[], n: number): void {
  for (let i = 0; i < ks.length; i++) {
    const omega = (2 * Math.PI * ks[i]!) / n;
    out[3 * i] = 2 * Math.cos(omega);
    out[3 * i + 1] = Math.cos(omega);
    out[3 * i + 2] = Math.sin(omega);
  }
}
