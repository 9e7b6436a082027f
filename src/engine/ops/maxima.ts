/**
 * Regional maxima with a minimum distance, as skimage.feature.peak_local_max (0.19) with
 * exclude_border=False: a pixel is a peak when it equals the maximum of the
 * (2 minDistance + 1)^2 square around it and is above the threshold; peaks are then taken from
 * highest to lowest (ties in raster order) and a peak closer than or at `minDistance`
 * (Chebyshev distance, the square) to an already taken one is dropped.
 */
import type { Labels, Mask } from '../types.js';
import { maxFilter } from './max-filter.js';

export interface MaximaOptions {
  /** Peaks are at least this many pixels apart (Chebyshev). >= 1. */
  minDistance: number;
  /** Only values strictly above this are peaks (default: above the image minimum). */
  threshold?: number;
  /** Only pixels inside the mask are peaks. */
  mask?: Mask;
}

/**
 * Find peaks of `values` (w x h). Returns a marker image: one pixel per peak, numbered 1..n from
 * the highest peak down.
 */
export function findMaxima(values: Float32Array, width: number, height: number, o: MaximaOptions): Labels {
  const r = Math.max(1, Math.floor(o.minDistance));
  const n = width * height;
  let thr = o.threshold;
  if (thr === undefined) {
    thr = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) if (values[i]! < thr) thr = values[i]!;
  }
  const m = o.mask?.data;
  // 3x3 maxima first (necessary for a window maximum), then the full window test on those few
  const local = collectLocalMaxima(values, width, height, thr, m);
  let cand: Int32Array;
  if (local.length * (2 * r + 1) * (2 * r + 1) < 8 * n) {
    cand = windowMaxima(values, width, height, r, local);
  } else {
    const mx = maxFilter(values, width, height, r);
    let c = 0;
    for (const i of local) if (values[i] === mx[i]) local[c++] = i;
    cand = local.subarray(0, c);
  }
  // highest first, ties in raster order (stable sort on index order)
  const order = Array.from(cand).sort((a, b) => values[b]! - values[a]! || a - b);
  const data = new Int32Array(n);
  // taken peaks blocked in a grid of cells of size r: check the 3x3 neighbouring cells
  const cw = Math.ceil(width / r);
  const ch = Math.ceil(height / r);
  const heads = new Int32Array(cw * ch).fill(-1);
  const nextInCell = new Int32Array(order.length);
  const px = new Int32Array(order.length);
  const py = new Int32Array(order.length);
  let kept = 0;
  for (const i of order) {
    const x = i % width;
    const y = (i - x) / width;
    const cx = Math.floor(x / r);
    const cy = Math.floor(y / r);
    let ok = true;
    for (let gy = Math.max(0, cy - 1); ok && gy <= Math.min(ch - 1, cy + 1); gy++) {
      for (let gx = Math.max(0, cx - 1); ok && gx <= Math.min(cw - 1, cx + 1); gx++) {
        for (let p = heads[gy * cw + gx]!; p >= 0; p = nextInCell[p]!) {
          if (Math.abs(px[p]! - x) <= r && Math.abs(py[p]! - y) <= r) {
            ok = false;
            break;
          }
        }
      }
    }
    if (!ok) continue;
    px[kept] = x;
    py[kept] = y;
    nextInCell[kept] = heads[cy * cw + cx]!;
    heads[cy * cw + cx] = kept;
    kept++;
    data[i] = kept;
  }
  return { width, height, data, count: kept };
}

/** Pixels above `thr` (inside the mask) not lower than any of their 8 neighbours, in raster order. */
function collectLocalMaxima(v: Float32Array, w: number, h: number, thr: number, m: Uint8Array | undefined): Int32Array {
  let out = new Int32Array(256);
  let c = 0;
  for (let y = 0; y < h; y++) {
    const y0 = y > 0 ? -w : 0;
    const y1 = y < h - 1 ? w : 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const val = v[i]!;
      if (!(val > thr) || (m && m[i] === 0)) continue;
      const x0 = x > 0 ? -1 : 0;
      const x1 = x < w - 1 ? 1 : 0;
      if (
        v[i + y0 + x0]! > val ||
        v[i + y0]! > val ||
        v[i + y0 + x1]! > val ||
        v[i + x0]! > val ||
        v[i + x1]! > val ||
        v[i + y1 + x0]! > val ||
        v[i + y1]! > val ||
        v[i + y1 + x1]! > val
      ) {
        continue;
      }
      if (c === out.length) {
        const g = new Int32Array(out.length * 2);
        g.set(out);
        out = g;
      }
      out[c++] = i;
    }
  }
  return out.subarray(0, c);
}

/** The candidates that equal the maximum of their (2r+1)^2 window (stops at the first higher pixel). */
function windowMaxima(v: Float32Array, w: number, h: number, r: number, cand: Int32Array): Int32Array {
  const out = new Int32Array(cand.length);
  let c = 0;
  for (const i of cand) {
    const x = i % w;
    const y = (i - x) / w;
    const val = v[i]!;
    const xa = x - r < 0 ? 0 : x - r;
    const xb = x + r >= w ? w - 1 : x + r;
    const ya = y - r < 0 ? 0 : y - r;
    const yb = y + r >= h ? h - 1 : y + r;
    let ok = true;
    for (let yy = ya; ok && yy <= yb; yy++) {
      const row = yy * w;
      for (let xx = xa; xx <= xb; xx++) {
        if (v[row + xx]! > val) {
          ok = false;
          break;
        }
      }
    }
    if (ok) out[c++] = i;
  }
  return out.subarray(0, c);
}
