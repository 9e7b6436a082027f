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
  // saddle per adjacent pair: the highest min(dist a, dist b) over 4-neighbour border pixel pairs
  const saddle = new Map<number, number>();
  const note = (a: number, b: number, v: number) => {
    const key = a < b ? a * (nl + 1) + b : b * (nl + 1) + a;
    const s = saddle.get(key);
    if (s === undefined || v > s) saddle.set(key, v);
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const a = data[i]!;
      if (a === 0) continue;
      if (x + 1 < w) {
        const b = data[i + 1]!;
        if (b !== 0 && b !== a) note(a, b, Math.min(dist[i]!, dist[i + 1]!));
      }
      if (y + 1 < h) {
        const b = data[i + w]!;
        if (b !== 0 && b !== a) note(a, b, Math.min(dist[i]!, dist[i + w]!));
      }
    }
  }
  const pairs = [...saddle.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0]);
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
  for (const [key, s] of pairs) {
    const a = find(Math.floor(key / (nl + 1)));
    const b = find(key % (nl + 1));
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
