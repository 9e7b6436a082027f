/**
 * Merge over-split objects after a distance-transform watershed. Two touching regions are one
 * object when the neck between them is nearly as wide as the thinner of the two: the distance
 * value along their shared border (the saddle) is at least `ratio` times the smaller of their two
 * peak distances. A true boundary between two touching round nuclei is a narrow waist (low
 * saddle); an elongated nucleus split by two distance peaks has no waist (high saddle).
 * Pairs are merged from the highest saddle down, as a region-merging watershed would.
 */
import type { Labels } from '../types.js';

/**
 * Merge neighbouring regions of `labels` whose saddle on `dist` >= ratio * min(peaks).
 * Returns new labels numbered 1..n in raster order of first pixel, and how many merges were made.
 */
export function mergeByNeck(labels: Labels, dist: Float32Array, ratio: number): { labels: Labels; merged: number } {
  const { width: w, height: h, data } = labels;
  const nl = labels.count;
  const peak = new Float32Array(nl + 1);
  for (let i = 0; i < data.length; i++) {
    const l = data[i]!;
    if (l > 0 && dist[i]! > peak[l]!) peak[l] = dist[i]!;
  }
  // saddle per adjacent pair: the highest min(dist a, dist b) over 4-neighbour border pixel pairs,
  // in an open-addressing table (key = a * (nl + 1) + b, a < b) written out inline: this loop
  // visits every pixel, and a Map with a closure per border pixel was a third of its time
  const stride = nl + 1;
  let cap = 1024;
  let bits = 10;
  while (cap < 16 * stride) {
    cap *= 2;
    bits++;
  }
  const mask = cap - 1;
  const keys = new Float64Array(cap).fill(-1);
  const vals = new Float32Array(cap);
  let used = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const a = data[i]!;
      if (a === 0) continue;
      for (let side = 0; side < 2; side++) {
        const j = side === 0 ? i + 1 : i + w;
        if (side === 0 ? x + 1 >= w : y + 1 >= h) continue;
        const b = data[j]!;
        if (b === 0 || b === a) continue;
        const da = dist[i]!;
        const db = dist[j]!;
        const v = da < db ? da : db;
        const key = a < b ? a * stride + b : b * stride + a;
        let slot = Math.imul(key | 0, 0x9e3779b1) >>> (32 - bits); // Fibonacci hashing
        while (keys[slot] !== -1 && keys[slot] !== key) slot = (slot + 1) & mask;
        if (keys[slot] === -1) {
          keys[slot] = key;
          vals[slot] = v;
          used++;
        } else if (v > vals[slot]!) vals[slot] = v;
      }
    }
  }
  // pairs by saddle, highest first; ties by key (deterministic)
  const pairKey = new Float64Array(used);
  const pairSaddle = new Float32Array(used);
  for (let s = 0, k = 0; s < cap; s++) {
    if (keys[s] === -1) continue;
    pairKey[k] = keys[s]!;
    pairSaddle[k++] = vals[s]!;
  }
  const order = Array.from({ length: used }, (_, k) => k).sort((p, q) => pairSaddle[q]! - pairSaddle[p]! || pairKey[p]! - pairKey[q]!);
  const parent = new Int32Array(nl + 1);
  for (let l = 0; l <= nl; l++) parent[l] = l;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let merged = 0;
  for (const k of order) {
    const key = pairKey[k]!;
    const s = pairSaddle[k]!;
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
  if (merged === 0) return { labels, merged };
  const map = new Int32Array(nl + 1);
  const out = new Int32Array(data.length);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const l = data[i]!;
    if (l === 0) continue;
    const r = find(l);
    let f = map[r]!;
    if (f === 0) {
      f = ++count;
      map[r] = f;
    }
    out[i] = f;
  }
  return { labels: { width: w, height: h, data: out, count }, merged };
}
