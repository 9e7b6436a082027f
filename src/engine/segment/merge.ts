/**
 * Merge over-split objects after a distance-transform watershed. Two touching regions are one
 * object when the neck between them is nearly as wide as the thinner of the two: the distance
 * value along their shared border (the saddle) is at least `ratio` times the smaller of their two
 * peak distances. A true boundary between two touching round nuclei is a narrow waist (low
 * saddle); an elongated nucleus split by two distance peaks has no waist (high saddle).
 * Pairs are merged from the highest saddle down, as a region-merging watershed would.
 */
import type { Labels } from '../types.js';
import { doneWithScratch, moreScratch, withScratch } from '../wasm/kernels.js';

/**
 * Merge neighbouring regions of `labels` whose saddle on `dist` >= ratio * min(peaks).
 * Returns new labels numbered 1..n in raster order of first pixel, and how many merges were made.
 */
export function mergeByNeck(labels: Labels, dist: Float32Array, ratio: number): { labels: Labels; merged: number } {
  const { width: w, height: h, data } = labels;
  const n = w * h;
  // saddle per adjacent pair: the highest min(dist a, dist b) over 4-neighbour border pixel pairs,
  // collected by a WebAssembly kernel (src/engine/wasm/assembly/merge.ts) in an open-addressing
  // table keyed a * (nl + 1) + b, a < b
  const { k, at } = withScratch(4 * n, 4 * n);
  const [pLabels, pDist] = at;
  new Int32Array(k.memory.buffer, pLabels, n).set(data.subarray(0, n));
  new Float32Array(k.memory.buffer, pDist, n).set(dist.subarray(0, n));
  const nl = k.maxLabel(pLabels, n, labels.count);
  const stride = nl + 1;
  let cap = 1024;
  let bits = 10;
  while (cap < 16 * stride) {
    cap *= 2;
    bits++;
  }
  const [pPeak, pKeys, pVals, pRoot, pMap, pOut] = moreScratch(4 * stride, 8 * cap, 4 * cap, 4 * stride, 4 * stride, 4 * n);
  k.labelPeaks(pLabels, pDist, n, pPeak, nl);
  const used = k.neckSaddles(pLabels, pDist, w, h, stride, pKeys, pVals, bits);
  const peak = new Float32Array(k.memory.buffer, pPeak, stride);
  const keys = new Float64Array(k.memory.buffer, pKeys, cap);
  const vals = new Float32Array(k.memory.buffer, pVals, cap);
  // pairs by saddle, highest first; ties by key (deterministic, whatever the table's layout)
  const pairKey = new Float64Array(used);
  const pairSaddle = new Float32Array(used);
  for (let s = 0, j = 0; s < cap; s++) {
    if (keys[s] === -1) continue;
    pairKey[j] = keys[s]!;
    pairSaddle[j++] = vals[s]!;
  }
  const order = Array.from({ length: used }, (_, j) => j).sort((p, q) => pairSaddle[q]! - pairSaddle[p]! || pairKey[p]! - pairKey[q]!);
  const parent = new Int32Array(k.memory.buffer, pRoot, stride);
  for (let l = 0; l <= nl; l++) parent[l] = l;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let merged = 0;
  for (const j of order) {
    const key = pairKey[j]!;
    const s = pairSaddle[j]!;
    const a = find(Math.floor(key / stride));
    const b = find(key % stride);
    if (a === b) continue;
    if (s >= ratio * Math.min(peak[a]!, peak[b]!)) {
      const keep = Math.min(a, b);
      const drop = Math.max(a, b);
      parent[drop] = keep;
      if (peak[drop]! > peak[keep]!) peak[keep] = peak[drop]!;
      merged++;
    }
  }
  if (merged === 0) {
    doneWithScratch();
    return { labels, merged };
  }
  for (let l = 0; l <= nl; l++) parent[l] = find(l);
  const count = k.relabelRoots(pLabels, pRoot, pMap, pOut, n, nl);
  const out = new Int32Array(k.memory.buffer, pOut, n).slice();
  doneWithScratch();
  return { labels: { width: w, height: h, data: out, count }, merged };
}
