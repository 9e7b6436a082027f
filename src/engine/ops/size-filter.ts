/**
 * Remove objects by area and say what was removed, so a user can see whether a cutoff threw
 * away real objects (the areas of the removed objects are returned, smallest first).
 */
import type { Labels } from '../types.js';
import { doneWithScratch, moreScratch, withScratch } from '../wasm/kernels.js';

export interface SizeFilterOptions {
  /** Objects with fewer pixels are removed. */
  minArea?: number;
  /** Objects with more pixels are removed. */
  maxArea?: number;
}

/** Keep objects with minArea <= area <= maxArea; survivors renumbered 1..n keeping their order. */
export function filterBySize(labels: Labels, o: SizeFilterOptions): { labels: Labels; removed: { small: number[]; large: number[] } } {
  const d = labels.data;
  const n = d.length;
  // the two pixel passes (areas, relabelling) run as WebAssembly kernels (flood.ts)
  const { k, at } = withScratch(4 * n, 4 * n);
  const [pLabels, pOut] = at;
  new Int32Array(k.memory.buffer, pLabels, n).set(d);
  const max = k.maxLabel(pLabels, n, labels.count);
  const [pAreas, pMap] = moreScratch(4 * (max + 1), 4 * (max + 1));
  k.labelAreas(pLabels, n, pAreas, max);
  const areas = new Int32Array(k.memory.buffer, pAreas, max + 1);
  const minA = o.minArea ?? 0;
  const maxA = o.maxArea ?? Number.POSITIVE_INFINITY;
  const map = new Int32Array(k.memory.buffer, pMap, max + 1);
  map.fill(0);
  const small: number[] = [];
  const large: number[] = [];
  let count = 0;
  for (let l = 1; l < areas.length; l++) {
    const a = areas[l]!;
    if (a === 0) continue;
    if (a < minA) small.push(a);
    else if (a > maxA) large.push(a);
    else map[l] = ++count;
  }
  k.relabel(pLabels, pMap, pOut, n);
  const out = new Int32Array(k.memory.buffer, pOut, n).slice();
  doneWithScratch();
  small.sort((a, b) => a - b);
  large.sort((a, b) => a - b);
  return { labels: { width: labels.width, height: labels.height, data: out, count }, removed: { small, large } };
}
