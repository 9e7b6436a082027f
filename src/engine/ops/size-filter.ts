/**
 * Remove objects by area and say what was removed, so a user can see whether a cutoff threw
 * away real objects (the areas of the removed objects are returned, smallest first).
 */
import type { Labels } from '../types.js';

export interface SizeFilterOptions {
  /** Objects with fewer pixels are removed. */
  minArea?: number;
  /** Objects with more pixels are removed. */
  maxArea?: number;
}

/** Pixel count of every label id 0..max (index 0 = background). */
export function labelAreas(labels: Labels): Int32Array {
  const d = labels.data;
  let max = labels.count;
  for (let i = 0; i < d.length; i++) if (d[i]! > max) max = d[i]!;
  const areas = new Int32Array(max + 1);
  for (let i = 0; i < d.length; i++) areas[d[i]!] = areas[d[i]!]! + 1;
  return areas;
}

/** Keep objects with minArea <= area <= maxArea; survivors renumbered 1..n keeping their order. */
export function filterBySize(labels: Labels, o: SizeFilterOptions): { labels: Labels; removed: { small: number[]; large: number[] } } {
  const areas = labelAreas(labels);
  const minA = o.minArea ?? 0;
  const maxA = o.maxArea ?? Number.POSITIVE_INFINITY;
  const map = new Int32Array(areas.length);
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
  const d = labels.data;
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = map[d[i]!]!;
  small.sort((a, b) => a - b);
  large.sort((a, b) => a - b);
  return { labels: { width: labels.width, height: labels.height, data: out, count }, removed: { small, large } };
}
