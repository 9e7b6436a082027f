/**
 * Bilinear upsampling of a block-reduced image back to full size: the value of block (i, j) sits
 * at the block centre ((i + 0.5) s - 0.5); outside the outermost centres the edge value repeats.
 * Shared by the rolling-ball background and the illumination field, which both work on a
 * shrunken copy for speed.
 */

/**
 * Upsample `small` (sw x sh blocks of `s` x `s` pixels) to `out` (w x h), in place.
 * `out` may be a Float32Array or a Float64Array.
 */
export function upsampleBilinear(
  small: ArrayLike<number>,
  sw: number,
  sh: number,
  s: number,
  out: Float32Array | Float64Array,
  w: number,
  h: number,
): void {
  for (let y = 0; y < h; y++) {
    let fy = (y + 0.5) / s - 0.5;
    if (fy < 0) fy = 0;
    if (fy > sh - 1) fy = sh - 1;
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      let fx = (x + 0.5) / s - 0.5;
      if (fx < 0) fx = 0;
      if (fx > sw - 1) fx = sw - 1;
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const tx = fx - x0;
      const top = small[y0 * sw + x0]! * (1 - tx) + small[y0 * sw + x1]! * tx;
      const bot = small[y1 * sw + x0]! * (1 - tx) + small[y1 * sw + x1]! * tx;
      out[y * w + x] = top * (1 - ty) + bot * ty;
    }
  }
}
