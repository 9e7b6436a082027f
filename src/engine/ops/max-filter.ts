/**
 * Square maximum filter (grey dilation with a (2r+1) x (2r+1) square), separable, O(1) per pixel
 * with the van Herk / Gil-Werman algorithm; the border repeats the nearest pixel (scipy 'nearest'),
 * which for a maximum is the same as ignoring pixels outside the image.
 * @see M. van Herk, Pattern Recognit. Lett. 13:517-521 (1992); J. Gil, M. Werman,
 *   IEEE Trans. PAMI 15:504-507 (1993).
 */

/** Running max of `len` values read from src[off + i*stride] into dst (same layout), window 2r+1. */
function maxLine(
  src: Float32Array,
  dst: Float32Array,
  off: number,
  stride: number,
  len: number,
  r: number,
  pad: Float32Array,
  g: Float32Array,
  hBuf: Float32Array,
): void {
  const win = 2 * r + 1;
  // padded line: r pixels of -inf before, then the line, then -inf up to a whole number of blocks
  const blocks = Math.ceil((len + 2 * r) / win) * win;
  pad.fill(Number.NEGATIVE_INFINITY, 0, blocks);
  for (let j = 0; j < len; j++) pad[r + j] = src[off + j * stride]!;
  for (let b = 0; b < blocks; b += win) {
    let run = pad[b]!;
    g[b] = run;
    for (let i = b + 1; i < b + win; i++) {
      const v = pad[i]!;
      if (v > run) run = v;
      g[i] = run;
    }
    run = pad[b + win - 1]!;
    hBuf[b + win - 1] = run;
    for (let i = b + win - 2; i >= b; i--) {
      const v = pad[i]!;
      if (v > run) run = v;
      hBuf[i] = run;
    }
  }
  // window over padded [x, x + 2r] is centred on original pixel x
  for (let x = 0; x < len; x++) {
    const a = hBuf[x]!;
    const b = g[x + win - 1]!;
    dst[off + x * stride] = a > b ? a : b;
  }
}

/** Maximum over the (2r+1)^2 square around each pixel of a w x h Float32 image. */
export function maxFilter(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const out = new Float32Array(w * h);
  if (r <= 0) {
    out.set(src);
    return out;
  }
  const win = 2 * r + 1;
  const maxLen = Math.max(w, h) + 2 * r + win;
  const g = new Float32Array(maxLen);
  const hb = new Float32Array(maxLen);
  const pad = new Float32Array(maxLen);
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) maxLine(src, tmp, y * w, 1, w, r, pad, g, hb);
  for (let x = 0; x < w; x++) maxLine(tmp, out, x, w, h, r, pad, g, hb);
  return out;
}
