/**
 * Remove objects touching the image border (as skimage.segmentation.clear_border, or
 * CellProfiler's "discard objects touching the border"). Objects are renumbered 1..n in order.
 */
import type { Labels } from '../types.js';

export function clearBorder(labels: Labels): { labels: Labels; removed: number } {
  const { width: w, height: h, data } = labels;
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  const touches = new Uint8Array(max + 1);
  for (let x = 0; x < w; x++) {
    touches[data[x]!] = 1;
    touches[data[(h - 1) * w + x]!] = 1;
  }
  for (let y = 0; y < h; y++) {
    touches[data[y * w]!] = 1;
    touches[data[y * w + w - 1]!] = 1;
  }
  touches[0] = 0;
  const present = new Uint8Array(max + 1);
  for (let i = 0; i < data.length; i++) present[data[i]!] = 1;
  const map = new Int32Array(max + 1);
  let count = 0;
  let removed = 0;
  for (let l = 1; l <= max; l++) {
    if (!present[l]) continue;
    if (touches[l]) removed++;
    else map[l] = ++count;
  }
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = map[data[i]!]!;
  return { labels: { width: w, height: h, data: out, count }, removed };
}
