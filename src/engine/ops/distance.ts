/**
 * Exact Euclidean distance transform (as scipy.ndimage.distance_transform_edt): for each
 * foreground pixel, the distance to the nearest background pixel; 0 on background.
 * Felzenszwalb-Huttenlocher lower-envelope algorithm, O(n), on columns then rows.
 * A mask with no background pixel gives +Infinity everywhere (scipy's answer is not meaningful there).
 * @see P. Felzenszwalb, D. Huttenlocher, "Distance transforms of sampled functions",
 *   Theory of Computing 8:415-428 (2012).
 */
import type { Mask } from '../types.js';

const INF = 1e20;

/** 1D squared distance transform of f (length n) into d, using scratch v (Int32) and z (Float64, n+1). */
function edt1d(f: Float64Array, d: Float64Array, n: number, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + q * q;
    let p = v[k]!;
    let s = (fq - (f[p]! + p * p)) / (2 * q - 2 * p);
    // z[0] = -INF stops the loop at k = 0
    while (s <= z[k]!) {
      k--;
      p = v[k]!;
      s = (fq - (f[p]! + p * p)) / (2 * q - 2 * p);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    d[q] = (q - p) * (q - p) + f[p]!;
  }
}

/** Squared EDT as a Float64Array (integers, exact). */
export function squaredDistanceTransform(mask: Mask): Float64Array {
  const { width: w, height: h } = mask;
  const m = mask.data;
  const g = new Float64Array(w * h);
  const len = Math.max(w, h);
  const f = new Float64Array(len);
  const d = new Float64Array(len);
  const v = new Int32Array(len);
  const z = new Float64Array(len + 1);
  // columns
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) f[y] = m[y * w + x] === 0 ? 0 : INF;
    edt1d(f, d, h, v, z);
    for (let y = 0; y < h; y++) g[y * w + x] = d[y]!;
  }
  // rows
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) f[x] = g[row + x]!;
    edt1d(f, d, w, v, z);
    for (let x = 0; x < w; x++) g[row + x] = d[x]!;
  }
  return g;
}

/** Euclidean distance of each foreground pixel to the nearest background pixel (Float32). */
export function distanceTransform(mask: Mask): Float32Array {
  const g = squaredDistanceTransform(mask);
  const out = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) {
    const s = g[i]!;
    out[i] = s >= INF ? Number.POSITIVE_INFINITY : Math.sqrt(s);
  }
  return out;
}
