/**
 * Gaussian smoothing, separable, as scipy.ndimage.gaussian_filter with mode 'nearest'
 * (the border pixel repeats; scikit-image's `filters.gaussian` default) and truncate 4:
 * the kernel has radius round(4 sigma) and is normalised to sum 1.
 */
import type { Plane } from '../types.js';

/** Normalised 1D Gaussian kernel of radius round(truncate * sigma). */
export function gaussianKernel(sigma: number, truncate = 4): Float32Array {
  const radius = Math.max(0, Math.floor(truncate * sigma + 0.5));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** Convolve each row of `src` with `k` (nearest border) into `dst`. `line` is scratch of length w + 2r. */
function blurRows(src: ArrayLike<number>, dst: Float32Array, w: number, h: number, k: Float32Array, line: Float32Array): void {
  const r = (k.length - 1) >> 1;
  const kl = k.length;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const first = src[row]!;
    const last = src[row + w - 1]!;
    for (let i = 0; i < r; i++) {
      line[i] = first;
      line[r + w + i] = last;
    }
    for (let x = 0; x < w; x++) line[r + x] = src[row + x]!;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let j = 0; j < kl; j++) acc += k[j]! * line[x + j]!;
      dst[row + x] = acc;
    }
  }
}

/** Convolve each column of `src` with `k` (nearest border) into `dst`, a row at a time for cache use. */
function blurCols(src: Float32Array, dst: Float32Array, w: number, h: number, k: Float32Array): void {
  const r = (k.length - 1) >> 1;
  const kl = k.length;
  for (let y = 0; y < h; y++) {
    const out = y * w;
    for (let x = 0; x < w; x++) dst[out + x] = 0;
    for (let j = 0; j < kl; j++) {
      let yy = y + j - r;
      if (yy < 0) yy = 0;
      else if (yy >= h) yy = h - 1;
      const kv = k[j]!;
      const inRow = yy * w;
      for (let x = 0; x < w; x++) dst[out + x] = dst[out + x]! + kv * src[inRow + x]!;
    }
  }
}

/**
 * Gaussian-smooth a raw w x h array into a Float32Array (`out` if given, which may not be `src`).
 * sigma <= 0 copies.
 */
export function gaussianF32(src: ArrayLike<number>, w: number, h: number, sigma: number, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(w * h);
  if (!(sigma > 0)) {
    for (let i = 0; i < w * h; i++) dst[i] = src[i]!;
    return dst;
  }
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) >> 1;
  const tmp = new Float32Array(w * h);
  blurRows(src, tmp, w, h, k, new Float32Array(w + 2 * r));
  blurCols(tmp, dst, w, h, k);
  return dst;
}

/** Gaussian-smoothed copy of `plane` as 32-bit float (values keep their original scale). */
export function gaussian(plane: Plane, sigma: number): Plane {
  return { width: plane.width, height: plane.height, data: gaussianF32(plane.data, plane.width, plane.height, sigma), bitDepth: 32 };
}
