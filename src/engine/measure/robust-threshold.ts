/**
 * A foreground/background split for QC that a few very bright specks cannot fool: plain Otsu,
 * unless Otsu with the top 1% of the histogram clipped reveals many more objects.
 */
import { find } from '../ops/label.js';
import { type Histogram, histogram, otsuFromHistogram } from '../ops/threshold/otsu.js';
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

/**
 * Number of 8-connected components of `values > t` with at least `minArea` pixels.
 * Counted on runs (horizontal stretches of foreground) with union-find, never on pixels: the
 * only per-pixel work is the comparison with `t`. A labelled image (ops/label.ts) is not needed
 * for a count and took 4-6 ms per BBBC039 field (mask, labels, areas: three passes and two
 * arrays); this takes about 1 ms.
 */
export function countComponents(values: PlaneData | Float32Array, w: number, h: number, t: number, minArea: number): number {
  // runs of the row above at [prev, prev + nPrev), of this row from `cur`: the halves swap per row
  const maxRuns = (w >> 1) + 1;
  const runStart = new Int32Array(2 * maxRuns);
  const runEnd = new Int32Array(2 * maxRuns);
  const runId = new Int32Array(2 * maxRuns);
  let prev = 0;
  let cur = maxRuns;
  let parent = new Int32Array(1024);
  let area = new Float64Array(1024);
  let next = 1;
  let nPrev = 0;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let nCur = 0;
    let j = 0;
    let x = 0;
    while (x < w) {
      while (x < w && !(values[o + x]! > t)) x++;
      if (x === w) break;
      const s = x;
      while (x < w && values[o + x]! > t) x++;
      // run [s, x): it touches a run [ps, pe) of the row above when ps <= x and pe >= s
      while (j < nPrev && runEnd[prev + j]! < s) j++;
      let id = 0;
      for (let k = j; k < nPrev && runStart[prev + k]! <= x; k++) {
        const r = find(parent, runId[prev + k]!);
        if (id === 0) id = r;
        else if (r !== id) {
          // the earlier (smaller) id stays the root and takes the other's area
          const keep = Math.min(r, id);
          const drop = Math.max(r, id);
          parent[drop] = keep;
          area[keep]! += area[drop]!;
          id = keep;
        }
      }
      if (id === 0) {
        if (next === parent.length) {
          const p2 = new Int32Array(2 * next);
          p2.set(parent);
          parent = p2;
          const a2 = new Float64Array(2 * next);
          a2.set(area);
          area = a2;
        }
        id = next++;
        parent[id] = id;
      }
      area[id]! += x - s;
      runStart[cur + nCur] = s;
      runEnd[cur + nCur] = x;
      runId[cur + nCur] = id;
      nCur++;
    }
    const upper = prev;
    prev = cur;
    cur = upper;
    nPrev = nCur;
  }
  let c = 0;
  for (let l = 1; l < next; l++) if (parent[l] === l && area[l]! >= minArea) c++;
  return c;
}

/**
 * Robust Otsu threshold (foreground = value > threshold) and, when it had to count them, the
 * number of objects (8-connected components >= `minArea` px) it gives. Plain Otsu is kept when it
 * finds 5% of the image or more as foreground; otherwise unless Otsu on the histogram with the
 * top 1% clipped (so that very bright specks cannot pull the threshold above the nuclei) gives a
 * split that still stands out (signal-to-noise >= 10 in histogram-bin units) AND reveals at least
 * twice as many objects (+5): then the bright specks were hiding the real foreground.
 * `hist`: the values' histogram as `histogram(values)` gives it, when the caller has it.
 * @see N. Otsu, IEEE Trans. Syst. Man Cybern. 9:62 (1979)
 */
export function robustOtsu(
  values: PlaneData | Float32Array,
  w: number,
  h: number,
  minArea = 16,
  hist: Histogram = histogram(values),
): { threshold: number; objects?: number } {
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
