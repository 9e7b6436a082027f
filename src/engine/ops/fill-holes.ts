/**
 * Fill holes in a binary mask (as scipy.ndimage.binary_fill_holes with its default cross
 * structure): background regions not 4-connected to the image border become foreground.
 */
import type { Mask } from '../types.js';

/**
 * Foreground plus every background pixel that cannot reach the border through 4-connected
 * background. Scanline flood fill from the border: whole background runs are marked at once.
 */
export function fillHoles(mask: Mask): Mask {
  const { width: w, height: h } = mask;
  const m = mask.data;
  const n = w * h;
  // out starts all 1; background reachable from the border is set to 0 as it is flooded
  const out = new Uint8Array(n).fill(1);
  // stack of seed pixels; each run is pushed at most once per neighbouring run
  let stack = new Int32Array(Math.max(64, 2 * (w + h)));
  let sp = 0;
  const push = (i: number) => {
    if (sp === stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[sp++] = i;
  };
  for (let x = 0; x < w; x++) {
    push(x);
    push((h - 1) * w + x);
  }
  for (let y = 1; y < h - 1; y++) {
    push(y * w);
    push(y * w + w - 1);
  }
  while (sp > 0) {
    const i = stack[--sp]!;
    if (m[i] !== 0 || out[i] === 0) continue;
    const row = i - (i % w);
    // extend the run left and right
    let a = i;
    while (a > row && m[a - 1] === 0 && out[a - 1] === 1) a--;
    let b = i;
    while (b < row + w - 1 && m[b + 1] === 0 && out[b + 1] === 1) b++;
    out.fill(0, a, b + 1);
    // seed one pixel per free background run in the rows above and below
    for (let side = 0; side < 2; side++) {
      const off = side === 0 ? -w : w;
      const r2 = row + off;
      if (r2 < 0 || r2 >= n) continue;
      let inRun = false;
      for (let j = a + off; j <= b + off; j++) {
        const free = m[j] === 0 && out[j] === 1;
        if (free && !inRun) push(j);
        inRun = free;
      }
    }
  }
  return { width: w, height: h, data: out };
}
