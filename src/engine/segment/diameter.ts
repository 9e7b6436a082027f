/**
 * Automatic object-size estimation from a first foreground mask: the distance-transform peak of
 * each connected object is its inscribed radius, whether the object is a single nucleus or a
 * clump of touching ones (a clump's peak is still about one nucleus' radius). The typical
 * diameter is twice the median of those radii (plus one pixel for the centre pixel), over objects
 * large enough not to be noise.
 */
import type { Mask } from '../types.js';
import { doneWithScratch, withScratch } from '../wasm/kernels.js';

/**
 * Estimated typical object diameter in pixels, or undefined when no object of at least
 * `minRadius` is found. `dist` is the distance transform of `mask`; objects are its 8-connected
 * components.
 */
export function estimateDiameter(mask: Mask, dist: Float32Array, minRadius = 1.5): number | undefined {
  const peaks = componentPeaks(mask, dist);
  const radii: number[] = [];
  for (let c = 0; c < peaks.length; c++) if (peaks[c]! >= minRadius && Number.isFinite(peaks[c]!)) radii.push(peaks[c]!);
  if (radii.length === 0) return undefined;
  radii.sort((a, b) => a - b);
  const mid = radii.length >> 1;
  const median = radii.length % 2 ? radii[mid]! : (radii[mid - 1]! + radii[mid]!) / 2;
  return 2 * median + 1;
}

/**
 * The largest `dist` value of each 8-connected component of `mask` (in no particular order).
 * Written on runs of foreground pixels instead of labelling every pixel: a union-find over the
 * runs (two runs in neighbouring rows touch when they overlap or meet at a corner) gives the same
 * components as ops/label.ts, and no label image is needed here. A WebAssembly kernel.
 */
export function componentPeaks(mask: Mask, dist: Float32Array): Float32Array {
  const { width: w, height: h } = mask;
  const n = w * h;
  const maxRuns = Math.ceil(w / 2) * h;
  // a WebAssembly kernel (src/engine/wasm/assembly/components.ts)
  const { k, at } = withScratch(n, 4 * n, 4 * maxRuns, 4 * maxRuns, 4 * maxRuns, 4 * maxRuns, 4 * maxRuns);
  const [pMask, pDist, pStart, pEnd, pParent, pPeak, pOut] = at;
  new Uint8Array(k.memory.buffer, pMask, n).set(mask.data.subarray(0, n));
  new Float32Array(k.memory.buffer, pDist, n).set(dist.subarray(0, n));
  const c = k.componentPeaks(pMask, pDist, w, h, pStart, pEnd, pParent, pPeak, pOut);
  const out = new Float32Array(k.memory.buffer, pOut, c).slice();
  doneWithScratch();
  return out;
}
