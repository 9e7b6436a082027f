/**
 * Fill holes in a binary mask (as scipy.ndimage.binary_fill_holes with its default cross
 * structure): background regions not 4-connected to the image border become foreground.
 */
import type { Mask } from '../types.js';

/** Foreground plus every background pixel that cannot reach the border through 4-connected background. */
export function fillHoles(mask: Mask): Mask {
  const { width: w, height: h } = mask;
  const m = mask.data;
  const n = w * h;
  // outside: 1 = background reachable from the border
  const outside = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const seed = (i: number) => {
    if (m[i] === 0 && outside[i] === 0) {
      outside[i] = 1;
      queue[tail++] = i;
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % w;
    if (x > 0 && m[i - 1] === 0 && outside[i - 1] === 0) {
      outside[i - 1] = 1;
      queue[tail++] = i - 1;
    }
    if (x < w - 1 && m[i + 1] === 0 && outside[i + 1] === 0) {
      outside[i + 1] = 1;
      queue[tail++] = i + 1;
    }
    if (i >= w && m[i - w] === 0 && outside[i - w] === 0) {
      outside[i - w] = 1;
      queue[tail++] = i - w;
    }
    if (i < n - w && m[i + w] === 0 && outside[i + w] === 0) {
      outside[i + w] = 1;
      queue[tail++] = i + w;
    }
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = outside[i] === 0 ? 1 : 0;
  return { width: w, height: h, data: out };
}
