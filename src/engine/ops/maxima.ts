/**
 * Regional maxima with a minimum distance, as skimage.feature.peak_local_max (0.19) with
 * exclude_border=False: a pixel is a peak when it equals the maximum of the
 * (2 minDistance + 1)^2 square around it and is above the threshold; peaks are then taken from
 * highest to lowest (ties in raster order) and a peak closer than or at `minDistance`
 * (Chebyshev distance, the square) to an already taken one is dropped.
 */
import type { Labels, Mask } from '../types.js';
import { doneWithScratch, withScratch } from '../wasm/kernels.js';
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
  // 3x3 maxima first (necessary for a window maximum), then the full window test on those few;
  // both are WebAssembly kernels (src/engine/wasm/assembly/foreground.ts)
  const { k, at } = withScratch(4 * n, m ? n : 0, 4 * n, 4 * n);
  const [pValues, pMask, pLocal, pCand] = at;
  new Float32Array(k.memory.buffer, pValues, n).set(values.subarray(0, n));
  if (m) new Uint8Array(k.memory.buffer, pMask, n).set(m.subarray(0, n));
  const nLocal = k.localMaxima(pValues, width, height, thr, m ? pMask : 0, pLocal);
  let cand: Int32Array;
  if (nLocal * (2 * r + 1) * (2 * r + 1) < 8 * n) {
    const c = k.windowMaxima(pValues, width, height, r, pLocal, nLocal, pCand);
    cand = new Int32Array(k.memory.buffer, pCand, c).slice();
    doneWithScratch();
  } else {
    const local = new Int32Array(k.memory.buffer, pLocal, nLocal).slice();
    doneWithScratch();
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
