/**
 * Exact Euclidean distance transform (as scipy.ndimage.distance_transform_edt): for each
 * foreground pixel, the distance to the nearest background pixel; 0 on background.
 * Meijster's two phases: vertical distances by two row-major sweeps (cache-friendly), then per
 * foreground run the lower envelope of parabolas (Felzenszwalb-Huttenlocher), O(n) overall.
 * A mask with no background pixel gives +Infinity everywhere (scipy's answer is not meaningful there).
 * Written by hand: no npm package computes an exact EDT on typed arrays. The loops run as a
 * WebAssembly kernel (src/engine/wasm/assembly/distance.ts).
 * @see A. Meijster, J. Roerdink, W. Hesselink, "A general algorithm for computing distance
 *   transforms in linear time", Math. Morphology and its Applications to Image and Signal
 *   Processing, 331-340 (2000); P. Felzenszwalb, D. Huttenlocher, Theory of Computing 8:415-428 (2012).
 */
import type { Mask } from '../types.js';
import { doneWithScratch, withScratch } from '../wasm/kernels.js';

/** Squared distances can overflow 32 bits beyond this width + height; float64 output then. */
const INT32_SIDES = 30_000;

/** Run the kernel; returns the kernels and the address of the squared distances in their memory. */
function runEdt(mask: Mask, extraBytes: number) {
  const { width: w, height: h } = mask;
  const n = w * h;
  const wide = w + h > INT32_SIDES;
  const { k, at } = withScratch(n, 4 * n, (wide ? 8 : 4) * n, 8 * (w + 2), 4 * (w + 2), 8 * (w + 3), extraBytes);
  const [pMask, pG, pD2, pF, pV, pZ, pExtra] = at;
  new Uint8Array(k.memory.buffer, pMask, n).set(mask.data.subarray(0, n));
  (wide ? k.edtF64 : k.edtI32)(pMask, pG, pD2, pF, pV, pZ, w, h);
  return { k, pD2, pExtra, wide, n, far: (w + h) * (w + h) };
}

/**
 * Squared EDT (exact integers): an Int32Array, or a Float64Array for images whose width + height
 * exceeds 30,000 px (where squared distances could overflow 32 bits). Pixels with no background
 * anywhere in reach get a value >= `far` (returned), meaning "infinitely far".
 */
export function squaredDistanceTransform(mask: Mask): { d2: Int32Array | Float64Array; far: number } {
  const { k, pD2, wide, n, far } = runEdt(mask, 0);
  const d2 = wide ? new Float64Array(k.memory.buffer, pD2, n).slice() : new Int32Array(k.memory.buffer, pD2, n).slice();
  doneWithScratch();
  return { d2, far };
}

export interface Distances {
  /** Squared distance to the background (exact integers), capped at `far`. */
  d2: Int32Array | Float64Array;
  /** Distance to the background. */
  dist: Float32Array;
  /** Largest squared distance (capped). */
  maxD2: number;
}

/**
 * Distances inside `mask` and their squares, for the watershed on distance; "no background at
 * all" is capped at (width + height)^2.
 */
export function cappedDistances(mask: Mask): Distances {
  const { k, pD2, pExtra, wide, n, far } = runEdt(mask, 4 * mask.width * mask.height);
  // squares beyond 32 bits (width + height > 30,000 px) stay float64
  const maxD2 = (wide ? k.distancesF64 : k.distancesI32)(pD2, pExtra, n, far);
  const d2 = wide ? new Float64Array(k.memory.buffer, pD2, n).slice() : new Int32Array(k.memory.buffer, pD2, n).slice();
  const dist = new Float32Array(k.memory.buffer, pExtra, n).slice();
  doneWithScratch();
  return { d2, dist, maxD2 };
}

/** Euclidean distance of each foreground pixel to the nearest background pixel (Float32). */
export function distanceTransform(mask: Mask): Float32Array {
  const { d2, far } = squaredDistanceTransform(mask);
  const out = new Float32Array(d2.length);
  for (let i = 0; i < d2.length; i++) {
    const s = d2[i]!;
    out[i] = s === 0 ? 0 : s >= far ? Number.POSITIVE_INFINITY : Math.sqrt(s);
  }
  return out;
}
