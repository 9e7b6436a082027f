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
  g: Float32Array,
  hBuf: Float32Array,
): void {
  const win = 2 * r + 1;
  // padded line of length len + 2r, -inf outside
  const plen = len + 2 * r;
  const blocks = Math.ceil(plen / win) * win;
  for (let i = 0; i < blocks; i++) {
    const j = i - r;
    const v = j >= 0 && j < len ? src[off + j * stride]! : Number.NEGATIVE_INFINITY;
    g[i] = i % win === 0 ? v : Math.max(g[i - 1]!, v);
  }
  for (let i = blocks - 1; i >= 0; i--) {
    const j = i - r;
    const v = j >= 0 && j < len ? src[off + j * stride]! : Number.NEGATIVE_INFINITY;
    hBuf[i] = i % win === win - 1 || i === blocks - 1 ? v : Math.max(hBuf[i + 1]!, v);
  }
  // window over padded [x, x + 2r] is centred on original pixel x
  for (let x = 0; x < len; x++) {
    const a = hBuf[x]!;
    const b = g[x + win - 1]!;
    dst[off + x * stride] = Math.max(a, b);
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
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) maxLine(src, tmp, y * w, 1, w, r, g, hb);
  for (let x = 0; x < w; x++) maxLine(tmp, out, x, w, h, r, g, hb);
  return out;
}
