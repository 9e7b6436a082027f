/**
 * A foreground/background split for QC that a few very bright specks cannot fool: plain Otsu,
 * unless Otsu with the top 1% of the histogram clipped reveals many more objects.
 */
import { label } from '../ops/label.js';
import { histogram, otsuFromHistogram } from '../ops/threshold/otsu.js';
import type { PlaneData } from '../types.js';

/** Signal-to-noise a split must reach to count as real foreground (noise split in two gives ~3-4). */
export const MIN_SPLIT_SNR = 10;
const CLIP_QUANTILE = 0.99;
/** Plain Otsu foreground fraction under which the clipped split is tried. */
const SUSPICIOUS_FOREGROUND = 0.05;

/** Value at quantile q of bins lo..hi (inclusive) of a histogram (bin centre; nearest rank). */
function binQuantile(counts: Float64Array, lo: number, hi: number, q: number): number {
  let total = 0;
  for (let b = lo; b <= hi; b++) total += counts[b]!;
  const target = Math.max(1, Math.ceil(q * total));
  let acc = 0;
  for (let b = lo; b <= hi; b++) {
    acc += counts[b]!;
    if (acc >= target) return b;
  }
  return hi;
}

/** (median foreground - median background) / MAD of background, for bins split after bin `tb`, in bin units. */
function splitSnr(counts: Float64Array, tb: number): number {
  const n = counts.length;
  if (tb < 0 || tb >= n - 1) return 0;
  const bgMed = binQuantile(counts, 0, tb, 0.5);
  const fgMed = binQuantile(counts, tb + 1, n - 1, 0.5);
  // MAD of the background: smallest d with half the background within bgMed +- d.
  let total = 0;
  for (let b = 0; b <= tb; b++) total += counts[b]!;
  let within = counts[bgMed]!;
  let d = 0;
  while (within < total / 2 && d < n) {
    d++;
    if (bgMed - d >= 0) within += counts[bgMed - d]!;
    if (bgMed + d <= tb) within += counts[bgMed + d]!;
  }
  const mad = Math.max(d, 0.5);
  return (fgMed - bgMed) / mad;
}

/** Number of 8-connected components of `values > t` with at least `minArea` pixels. */
export function countComponents(values: PlaneData | Float32Array, w: number, h: number, t: number, minArea: number): number {
  const n = w * h;
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (values[i]! > t) mask[i] = 1;
  const lab = label({ width: w, height: h, data: mask }, 8);
  const areas = new Int32Array(lab.count + 1);
  for (let i = 0; i < n; i++) areas[lab.data[i]!]!++;
  let c = 0;
  for (let l = 1; l <= lab.count; l++) if (areas[l]! >= minArea) c++;
  return c;
}

/**
 * Robust Otsu threshold (foreground = value > threshold) and, when it had to count them, the
 * number of objects (8-connected components >= `minArea` px) it gives. Plain Otsu is kept when it
 * finds 5% of the image or more as foreground; otherwise unless Otsu on the histogram with the
 * top 1% clipped (so that very bright specks cannot pull the threshold above the nuclei) gives a
 * split that still stands out (signal-to-noise >= 10 in histogram-bin units) AND reveals at least
 * twice as many objects (+5): then the bright specks were hiding the real foreground.
 * @see N. Otsu, IEEE Trans. Syst. Man Cybern. 9:62 (1979)
 */
export function robustOtsu(values: PlaneData | Float32Array, w: number, h: number, minArea = 16): { threshold: number; objects?: number } {
  const hist = histogram(values);
  const { counts, centers } = hist;
  const n = counts.length;
  if (n <= 1) return { threshold: n === 1 ? centers[0]! : Number.NaN, objects: 0 };
  const plain = otsuFromHistogram(hist);
  let total = 0;
  let fgPlain = 0;
  for (let b = 0; b < n; b++) {
    total += counts[b]!;
    if (centers[b]! > plain) fgPlain += counts[b]!;
  }
  // A few bright specks can only hide the foreground when plain Otsu finds little of it.
  if (fgPlain >= SUSPICIOUS_FOREGROUND * total) return { threshold: plain };
  const cb = binQuantile(counts, 0, n - 1, CLIP_QUANTILE);
  const clippedCounts = counts.slice(0, cb + 1);
  for (let b = cb + 1; b < n; b++) clippedCounts[cb]! += counts[b]!;
  const t = otsuFromHistogram({ counts: clippedCounts, centers: centers.subarray(0, cb + 1) });
  if (t === plain) return { threshold: plain };
  let tb = 0;
  while (tb + 1 < n && centers[tb + 1]! <= t) tb++;
  if (splitSnr(counts, tb) < MIN_SPLIT_SNR) return { threshold: plain };
  const plainObjects = countComponents(values, w, h, plain, minArea);
  const objects = countComponents(values, w, h, t, minArea);
  return objects >= 2 * plainObjects + 5 ? { threshold: t, objects } : { threshold: plain, objects: plainObjects };
}
