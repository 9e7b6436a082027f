/**
 * Fill holes in a binary mask (as scipy.ndimage.binary_fill_holes with its default cross
 * structure): background regions not 4-connected to the image border become foreground.
 */
import type { Mask } from '../types.js';
import { doneWithScratch, withScratch } from '../wasm/kernels.js';

/**
 * Foreground plus every background pixel that cannot reach the border through 4-connected
 * background. Scanline flood fill from the border: whole background runs are marked at once
 * (a WebAssembly kernel, src/engine/wasm/assembly/flood.ts).
 */
export function fillHoles(mask: Mask): Mask {
  const { width: w, height: h } = mask;
  const n = w * h;
  const { k, at } = withScratch(n, n, fillHolesStackBytes(w, h));
  const [pMask, pOut, pStack] = at;
  new Uint8Array(k.memory.buffer, pMask, n).set(mask.data.subarray(0, n));
  k.fillHoles(pMask, pOut, pStack, w, h);
  const data = new Uint8Array(k.memory.buffer, pOut, n).slice();
  doneWithScratch();
  return { width: w, height: h, data };
}

/** Scratch the hole-filling kernel needs: each pixel is pushed at most once from the row above and once from the row below. */
export function fillHolesStackBytes(w: number, h: number): number {
  return 4 * (2 * w * h + 2 * (w + h));
}
